import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, FindOptionsWhere, In } from 'typeorm';
import { formatLondon } from '../common/london-time';
import { effectiveClosesAtSql } from '../rounds/round-deadlines';
import type { BidDto, EndorsementState } from './bid-response.dto';
import type { BidContentDto } from './bid.dto';
import { Bid } from './bid.entity';
import { BidCostLine, BidIntervention, BidMatchFunding } from './bid-lines.entity';
import { notFound } from '../common/common.errors';

export type LoadedBid = Bid & {
  costLines: BidCostLine[];
  matchFunding: BidMatchFunding[];
  interventions: BidIntervention[];
  round: { code: string; name: string };
  organisation: { name: string };
  // The organisation's own close time for the round (round-deadlines.ts).
  closesAt: Date;
};

// A bid that still holds a place under the round's bid limit: submitted or later, not withdrawn,
// not failed, and not declined by its PCC.
export const LIVE_BID_SQL = `b.status NOT IN ('draft', 'withdrawn', 'eligibility_failed')
  AND b.endorsement_decision IS DISTINCT FROM 'declined'`;

export function endorsementState(bid: Bid): EndorsementState {
  if (!bid.needsEndorsement) {
    return 'not_required';
  }
  return bid.endorsementDecision ?? 'awaiting';
}

// The parts a bidder wrote, in a fixed order: what is frozen, digested and audited.
export function bidContent(bid: LoadedBid): Required<BidContentDto> {
  return {
    title: bid.title,
    summary: bid.summary,
    targetLsoas: bid.targetLsoas,
    problemProfile: bid.problemProfile,
    primaryCrimeType: bid.primaryCrimeType,
    secondaryCrimeTypes: bid.secondaryCrimeTypes,
    theoryOfChange: bid.theoryOfChange,
    interventions: [...bid.interventions]
      .sort((a, b) => a.position - b.position)
      .map(({ category, type, description, evidence, costPence, outputMeasure, outputTarget }) => ({
        category,
        type,
        description,
        evidence,
        costPence,
        outputMeasure,
        outputTarget,
      })),
    costLines: [...bid.costLines]
      .sort(
        (a, b) => a.financialYear.localeCompare(b.financialYear) || a.kind.localeCompare(b.kind),
      )
      .map(({ financialYear, kind, amountPence }) => ({ financialYear, kind, amountPence })),
    matchFunding: [...bid.matchFunding]
      .sort((a, b) => a.position - b.position)
      .map(({ source, kind, amountPence }) => ({ source, kind, amountPence })),
    partners: bid.partners,
    consultation: bid.consultation,
    milestones: bid.milestones,
    risks: bid.risks,
    evaluationApproach: bid.evaluationApproach,
  };
}

// The digest of what a submission froze: the content and, when it has any, the SHA-256 of each
// attached document in upload order (a bid without documents digests as it always did).
export function contentDigest(bid: LoadedBid, documentSha256s: readonly string[] = []): string {
  const content = bidContent(bid);
  const frozen = documentSha256s.length > 0 ? { ...content, documents: documentSha256s } : content;
  return createHash('sha256').update(JSON.stringify(frozen)).digest('hex');
}

export function toBidDto(bid: LoadedBid): BidDto {
  const content = bidContent(bid);
  const ids = new Map(
    [...bid.interventions].sort((a, b) => a.position - b.position).map((i, n) => [n, i.id]),
  );
  return {
    id: bid.id,
    reference: bid.reference,
    roundId: bid.roundId,
    roundCode: bid.round.code,
    organisationId: bid.organisationId,
    organisationName: bid.organisation.name,
    applicantType: bid.applicantType,
    forceAreaCode: bid.forceAreaCode,
    status: bid.status,
    ...content,
    interventions: content.interventions.map((intervention, n) => ({
      id: ids.get(n) as string,
      ...intervention,
      evidence: intervention.evidence ?? '',
      outputMeasure: intervention.outputMeasure ?? null,
      outputTarget: intervention.outputTarget ?? null,
    })),
    requestedPence: bid.requestedPence,
    matchFundingPence: bid.matchFundingPence,
    endorsement: {
      state: endorsementState(bid),
      reason: bid.endorsementReason,
      decidedAt: bid.endorsementAt,
    },
    pccRank: bid.pccRank,
    submittedAt: bid.submittedAt,
    submittedAtUkTime: bid.submittedAt ? formatLondon(bid.submittedAt) : null,
    submittedDigest: bid.submittedDigest,
    closesAt: bid.closesAt,
    closesAtUkTime: `${formatLondon(bid.closesAt)} (UK time)`,
    eligibilityFailureReason: bid.eligibilityFailureReason,
    withdrawnAt: bid.withdrawnAt,
    withdrawalReason: bid.withdrawalReason,
    createdAt: bid.createdAt,
    updatedAt: bid.updatedAt,
    version: bid.version,
  };
}

// Named reads and writes of bids and their lines, always inside the caller's transaction.
@Injectable()
export class BidStore {
  async load(manager: EntityManager, id: string): Promise<LoadedBid> {
    const [bid] = await this.loadMany(manager, [id]);
    if (!bid) {
      throw notFound('Bid');
    }
    return bid;
  }

  // Whole bids in the order of `ids` (missing ones left out), in four queries whatever their
  // number: the bids with their round's and organisation's names, then each list of lines on
  // its own. Joining the lists together would return the product of their lengths (4 cost
  // lines, 50 match-funding lines and 50 interventions: 10,000 rows, each with the whole bid).
  async loadMany(manager: EntityManager, ids: string[]): Promise<LoadedBid[]> {
    if (ids.length === 0) {
      return [];
    }
    const { entities: bids, raw } = await manager
      .createQueryBuilder(Bid, 'bid')
      .innerJoin('bid.round', 'round')
      .addSelect(['round.id', 'round.code', 'round.name'])
      .innerJoin('bid.organisation', 'organisation')
      .addSelect(['organisation.id', 'organisation.name'])
      .addSelect(effectiveClosesAtSql('round', 'bid.organisation_id'), 'own_closes_at')
      .where('bid.id IN (:...ids)', { ids })
      .getRawAndEntities<{ bid_id: string; own_closes_at: Date }>();
    const closesAt = new Map(raw.map((row) => [row.bid_id, row.own_closes_at]));
    const found = bids.map((bid) => bid.id);
    // One after another: a transaction's queries share one connection.
    const costLines = await this.linesOf(manager, BidCostLine, found);
    const matchFunding = await this.linesOf(manager, BidMatchFunding, found);
    const interventions = await this.linesOf(manager, BidIntervention, found);
    const byId = new Map(
      bids.map((bid) => [
        bid.id,
        Object.assign(bid, {
          closesAt: closesAt.get(bid.id) as Date,
          costLines: costLines.get(bid.id) ?? [],
          matchFunding: matchFunding.get(bid.id) ?? [],
          interventions: interventions.get(bid.id) ?? [],
        }) as LoadedBid,
      ]),
    );
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  // One list of lines of the bids `bidIds`, grouped by bid, in one query.
  private async linesOf<Line extends { bidId: string }>(
    manager: EntityManager,
    entity: new () => Line,
    bidIds: string[],
  ): Promise<Map<string, Line[]>> {
    const byBid = new Map<string, Line[]>();
    if (bidIds.length === 0) {
      return byBid;
    }
    const lines = await manager.find(entity, {
      where: { bidId: In(bidIds) } as FindOptionsWhere<Line>,
    });
    for (const line of lines) {
      const list = byBid.get(line.bidId);
      if (list) {
        list.push(line);
      } else {
        byBid.set(line.bidId, [line]);
      }
    }
    return byBid;
  }

  // Locks the bid row for the rest of the transaction, then reads it whole.
  async lock(manager: EntityManager, id: string): Promise<LoadedBid> {
    const locked = await manager.findOne(Bid, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!locked) {
      throw notFound('Bid');
    }
    return this.load(manager, id);
  }

  async nextNumber(manager: EntityManager, roundId: string): Promise<number> {
    const [row] = await manager.query<{ next: number }[]>(
      `SELECT coalesce(max(number), 0)::int + 1 AS next FROM bids WHERE round_id = $1`,
      [roundId],
    );
    return row.next;
  }

  // Live bids other than `exceptId` in the limit's scope: a PCC area, or one applicant.
  async countLive(
    manager: EntityManager,
    roundId: string,
    scope: { forceAreaCode: string } | { organisationId: string },
    exceptId: string,
  ): Promise<number> {
    const [column, value] =
      'forceAreaCode' in scope
        ? ['force_area_code', scope.forceAreaCode]
        : ['organisation_id', scope.organisationId];
    const [row] = await manager.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM bids b
       WHERE b.round_id = $1 AND b.${column} = $2 AND b.id <> $3 AND ${LIVE_BID_SQL}`,
      [roundId, value, exceptId],
    );
    return row.count;
  }

  // Serialises decisions that count bids in one scope (submission, ranking) until commit.
  async lockScope(manager: EntityManager, roundId: string, scopeKey: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `bid-scope:${roundId}:${scopeKey}`,
    ]);
  }

  // Serialises creates that carry one user's Idempotency-Key until commit, so a parallel retry
  // finds the bid the first one made instead of colliding with it.
  async lockCreationKey(manager: EntityManager, userId: string, key: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `bid-create:${userId}:${key}`,
    ]);
  }

  // Replaces whichever lists the edit sends and keeps the derived totals in step. A bid just
  // created has no lines to replace (`created`), so nothing is deleted first.
  async writeLines(
    manager: EntityManager,
    bidId: string,
    input: Pick<BidContentDto, 'costLines' | 'matchFunding' | 'interventions'>,
    created = false,
  ): Promise<void> {
    if (input.costLines && !created) {
      await manager.delete(BidCostLine, { bidId });
    }
    if (input.costLines?.length) {
      await manager.insert(
        BidCostLine,
        input.costLines.map((line) => ({ ...line, bidId })),
      );
    }
    if (input.matchFunding && !created) {
      await manager.delete(BidMatchFunding, { bidId });
    }
    if (input.matchFunding?.length) {
      await manager.insert(
        BidMatchFunding,
        input.matchFunding.map((line, index) => ({ ...line, bidId, position: index + 1 })),
      );
    }
    if (input.interventions && !created) {
      await manager.delete(BidIntervention, { bidId });
    }
    if (input.interventions?.length) {
      await manager.insert(
        BidIntervention,
        input.interventions.map((intervention, index) => ({
          ...intervention,
          evidence: intervention.evidence ?? '',
          outputMeasure: intervention.outputMeasure ?? null,
          outputTarget: intervention.outputTarget ?? null,
          bidId,
          position: index + 1,
        })),
      );
    }
    await manager.query(
      `UPDATE bids SET
         requested_pence = (SELECT coalesce(sum(amount_pence), 0) FROM bid_cost_lines WHERE bid_id = $1),
         match_funding_pence = (SELECT coalesce(sum(amount_pence), 0) FROM bid_match_funding WHERE bid_id = $1)
       WHERE id = $1`,
      [bidId],
    );
  }
}
