import { Injectable } from '@nestjs/common';
import { EntityManager, FindOptionsWhere, In, MoreThan, Not } from 'typeorm';
import type { ScheduledFields } from '../returns/return-schedule-store';
import { publishedRoundSql } from '../rounds/round-lifecycle';
import type { AwardDto } from './offer.dto';
import { AwardDecision, AwardLine } from './award.entity';
import { DueDiligenceCheck } from './due-diligence.entity';
import { AwardVariation } from './variation.entity';
import type { OpenOffer } from '../rounds/rounds.rules';
import {
  AWARD_UNSETTLED_SQL,
  LIVE_AWARD_STATUSES,
  offerLapsedSql,
  offerOpenSql,
  UNCONFIRMED_DECISION_STATUS,
} from './award-lifecycle';
import { awardForDeliveryJson, type AwardForDeliveryRaw } from './award-for-delivery';

// An award's own lines and its returns, each list gathered into JSON by its own subquery so the
// award comes back as one row (joining the two lists would return the product of their lengths).
const AWARD_LINES_JSON = `(SELECT coalesce(json_agg(json_build_object(
    'financialYear', l.financial_year, 'kind', l.kind, 'amountPence', l.amount_pence)
    ORDER BY l.financial_year, l.kind), '[]')
  FROM award_lines l WHERE l.decision_id = a.id)`;
const AWARD_RETURNS_JSON = `(SELECT coalesce(json_agg(json_build_object(
    'id', d.id, 'financialYear', d.financial_year, 'quarter', d.quarter,
    'periodStartsOn', d.period_starts_on::text, 'periodEndsOn', d.period_ends_on::text,
    'dueOn', d.due_on::text, 'status', d.status) ORDER BY d.period_starts_on), '[]')
  FROM delivery_returns d WHERE d.award_id = a.id)`;

// An award with what its answer shows from other tables, read in one query.
export interface WholeAward {
  row: AwardDecision;
  reference: string;
  bidTitle: string;
  organisationName: string;
  // Null while the round is a draft, which has no name to show.
  roundName: string | null;
  lines: AwardDto['lines'];
  returns: ScheduledFields[];
}

interface WholeAwardRaw {
  reference: string;
  bid_title: string;
  organisation_name: string;
  round_name: string | null;
  award_lines: AwardDto['lines'];
  award_returns: ScheduledFields[];
}

export type DecisionLine = Pick<AwardLine, 'decisionId' | 'financialYear' | 'kind' | 'amountPence'>;

// An organisation's due-diligence checks, latest first: the first is the one that counts.
const LATEST_CHECK_FIRST = { checkedOn: 'DESC', recordedAt: 'DESC', id: 'DESC' } as const;

const STANDING: FindOptionsWhere<AwardDecision> = { status: Not(UNCONFIRMED_DECISION_STATUS) };

// Named reads and writes of award decisions and their lines, in the caller's transaction.
@Injectable()
export class AwardStore {
  find(manager: EntityManager, id: string): Promise<AwardDecision | null> {
    return manager.findOneBy(AwardDecision, { id });
  }

  // The decision locked for a change.
  lock(manager: EntityManager, id: string): Promise<AwardDecision | null> {
    return manager.findOne(AwardDecision, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  // The award (a decision to fund) `id`; `lock` holds it for a command.
  findAward(manager: EntityManager, id: string, lock = false): Promise<AwardDecision | null> {
    return manager.findOne(AwardDecision, {
      where: { id, outcome: 'award' },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  // The award with its bid's reference and title, the organisation's and the round's names, its
  // lines and its returns, in one query (so one snapshot without a transaction).
  async readWhole(manager: EntityManager, id: string): Promise<WholeAward | null> {
    const { entities, raw } = await manager
      .createQueryBuilder(AwardDecision, 'a')
      .innerJoin('bids', 'b', 'b.id = a.bid_id')
      .innerJoin('organisations', 'o', 'o.id = a.organisation_id')
      .leftJoin('funding_rounds', 'r', `r.id = a.round_id AND ${publishedRoundSql('r')}`)
      .addSelect('b.reference', 'reference')
      .addSelect('b.title', 'bid_title')
      .addSelect('o.name', 'organisation_name')
      .addSelect('r.name', 'round_name')
      .addSelect(AWARD_LINES_JSON, 'award_lines')
      .addSelect(AWARD_RETURNS_JSON, 'award_returns')
      .where(`a.id = :id AND a.outcome = 'award'`, { id })
      .getRawAndEntities<WholeAwardRaw>();
    const [row] = entities;
    if (!row) {
      return null;
    }
    const [parts] = raw;
    return {
      row,
      reference: parts.reference,
      bidTitle: parts.bid_title,
      organisationName: parts.organisation_name,
      roundName: parts.round_name,
      lines: parts.award_lines,
      returns: parts.award_returns,
    };
  }

  // The bid's standing decision, if it has one.
  standingOfBid(manager: EntityManager, bidId: string): Promise<AwardDecision | null> {
    return manager.findOne(AwardDecision, { where: { bidId, ...STANDING } });
  }

  // The round's standing decisions.
  standingOfRound(manager: EntityManager, roundId: string): Promise<AwardDecision[]> {
    return manager.find(AwardDecision, { where: { roundId, ...STANDING } });
  }

  // The amounts of the round's awards that hold money against its budget.
  liveAmounts(manager: EntityManager, roundId: string): Promise<{ amountPence: number }[]> {
    return manager.find(AwardDecision, {
      select: { amountPence: true },
      where: { roundId, status: In(LIVE_AWARD_STATUSES) },
    });
  }

  // The lines of the decisions `decisionIds`, by financial year and kind.
  async linesOf(manager: EntityManager, decisionIds: string[]): Promise<DecisionLine[]> {
    if (decisionIds.length === 0) {
      return [];
    }
    const rows = await manager.find(AwardLine, {
      where: { decisionId: In(decisionIds) },
      order: { financialYear: 'ASC', kind: 'ASC' },
    });
    return rows.map(({ decisionId, financialYear, kind, amountPence }) => ({
      decisionId,
      financialYear,
      kind,
      amountPence,
    }));
  }

  // The award's lines and total as they stood at `at`: what the first variation approved after
  // that moment found (its `*_before`), or, with none approved since, the lines now. The offer
  // letter reads them as at acceptance: the terms offered and signed, whatever was varied later.
  async termsAt(
    manager: EntityManager,
    award: Pick<AwardDecision, 'id' | 'amountPence'>,
    at: Date,
  ): Promise<{ lines: Omit<DecisionLine, 'decisionId'>[]; amountPence: number }> {
    const next = await manager.findOne(AwardVariation, {
      where: { awardId: award.id, status: 'approved', approvedAt: MoreThan(at) },
      order: { approvedAt: 'ASC' },
    });
    const terms = (lines: Omit<DecisionLine, 'decisionId'>[]) =>
      lines.map(({ financialYear, kind, amountPence }) => ({ financialYear, kind, amountPence }));
    if (next?.linesBefore) {
      const lines = terms(next.linesBefore);
      return {
        lines,
        amountPence:
          next.amountPenceBefore ?? lines.reduce((sum, line) => sum + line.amountPence, 0),
      };
    }
    return {
      lines: terms(await this.linesOf(manager, [award.id])),
      amountPence: award.amountPence,
    };
  }

  // A new decision with its lines; answers its id.
  async insert(
    manager: EntityManager,
    decision: Partial<AwardDecision>,
    lines: Omit<DecisionLine, 'decisionId'>[],
  ): Promise<string> {
    const inserted = await manager.insert(AwardDecision, decision);
    const id = inserted.identifiers[0].id as string;
    await this.insertLines(manager, id, lines);
    return id;
  }

  // The award's lines become `lines` and its amount their total; the caller holds the award row.
  async replaceLines(
    manager: EntityManager,
    awardId: string,
    lines: Omit<DecisionLine, 'decisionId'>[],
  ): Promise<number> {
    await manager.delete(AwardLine, { decisionId: awardId });
    await this.insertLines(manager, awardId, lines);
    const amountPence = lines.reduce((sum, line) => sum + line.amountPence, 0);
    await manager.update(AwardDecision, { id: awardId }, { amountPence });
    return amountPence;
  }

  private async insertLines(
    manager: EntityManager,
    decisionId: string,
    lines: Omit<DecisionLine, 'decisionId'>[],
  ): Promise<void> {
    if (lines.length > 0) {
      await manager.insert(
        AwardLine,
        lines.map((line) => ({ ...line, decisionId })),
      );
    }
  }

  async update(manager: EntityManager, id: string, fields: Partial<AwardDecision>): Promise<void> {
    await manager.update(AwardDecision, { id }, fields);
  }

  // Every award whose offer has lapsed at `now`, the longest lapsed first.
  async lapsedOfferIds(manager: EntityManager, now: Date): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      `SELECT a.id FROM award_decisions a WHERE ${offerLapsedSql('$1')} ORDER BY a.offer_expires_at, a.id`,
      [now],
    );
    return rows.map((row) => row.id);
  }

  // The award locked if its offer has lapsed at `now`; null when it has not (or is gone).
  async lockIfLapsed(manager: EntityManager, id: string, now: Date): Promise<AwardDecision | null> {
    const [found] = await manager.query<{ id: string }[]>(
      `SELECT a.id FROM award_decisions a WHERE a.id = $1 AND ${offerLapsedSql('$2')} FOR UPDATE`,
      [id, now],
    );
    return found ? manager.findOneByOrFail(AwardDecision, { id }) : null;
  }

  // The award as delivery reads it, in one query (awardForDeliveryJson); `lock` first locks its
  // row in a statement of its own, so that what is read after the wait is what the holder
  // before us committed. Null when there is no such award.
  async findForDelivery(
    manager: EntityManager,
    id: string,
    lock: boolean,
  ): Promise<AwardForDeliveryRaw | null> {
    if (lock) {
      await manager.query(
        `SELECT 1 FROM award_decisions WHERE id = $1 AND outcome = 'award' FOR UPDATE`,
        [id],
      );
    }
    const [{ award }] = await manager.query<{ award: AwardForDeliveryRaw | null }[]>(
      `SELECT ${awardForDeliveryJson('$1::uuid')} AS award`,
      [id],
    );
    return award;
  }

  // Offers of the round a recipient may still accept at `now`, earliest deadline first.
  async openOffers(manager: EntityManager, roundId: string, now: Date): Promise<OpenOffer[]> {
    const rows = await manager.query<
      { award_id: string; reference: string; organisation_name: string; offer_expires_at: Date }[]
    >(
      `SELECT a.id AS award_id, b.reference, o.name AS organisation_name, a.offer_expires_at
         FROM award_decisions a
         JOIN bids b ON b.id = a.bid_id
         JOIN organisations o ON o.id = a.organisation_id
        WHERE a.round_id = $1 AND ${offerOpenSql('$2::timestamptz')}
        ORDER BY a.offer_expires_at, b.reference`,
      [roundId, now],
    );
    return rows.map((row) => ({
      awardId: row.award_id,
      reference: row.reference,
      organisationName: row.organisation_name,
      offerExpiresAt: new Date(row.offer_expires_at),
    }));
  }

  // Awards of the round not yet finished (AWARD_UNSETTLED_SQL), by reference.
  unsettled(
    manager: EntityManager,
    roundId: string,
  ): Promise<{ id: string; reference: string; status: string; amount_pence: string }[]> {
    return manager.query(
      `SELECT a.id, b.reference, a.status, a.amount_pence
         FROM award_decisions a
         JOIN bids b ON b.id = a.bid_id
        WHERE a.round_id = $1 AND ${AWARD_UNSETTLED_SQL}
        ORDER BY b.reference`,
      [roundId],
    );
  }

  // An active award completed; answers whether it was (false if it was not active).
  async markCompleted(manager: EntityManager, id: string): Promise<boolean> {
    const { affected } = await manager.update(
      AwardDecision,
      { id, status: 'active' },
      { status: 'completed' },
    );
    return affected === 1;
  }

  // A new due-diligence check; answers it as stored.
  async insertCheck(
    manager: EntityManager,
    check: Partial<DueDiligenceCheck>,
  ): Promise<DueDiligenceCheck> {
    const inserted = await manager.insert(DueDiligenceCheck, check);
    return manager.findOneByOrFail(DueDiligenceCheck, {
      id: inserted.identifiers[0].id as string,
    });
  }

  checksOf(manager: EntityManager, organisationId: string): Promise<DueDiligenceCheck[]> {
    return manager.find(DueDiligenceCheck, {
      where: { organisationId },
      order: LATEST_CHECK_FIRST,
    });
  }

  latestCheckOf(manager: EntityManager, organisationId: string): Promise<DueDiligenceCheck | null> {
    return manager.findOne(DueDiligenceCheck, {
      where: { organisationId },
      order: LATEST_CHECK_FIRST,
    });
  }
}
