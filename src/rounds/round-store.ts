import { Injectable } from '@nestjs/common';
import { EntityManager, FindOptionsWhere, ILike, Not } from 'typeorm';
import { notFound } from '../common/common.errors';
import { containsPattern } from '../common/list-query';
import type { Organisation } from '../organisations/organisation.entity';
import { AssessmentCriterion } from './assessment-criterion.entity';
import { FundingRound, type RoundStatus } from './funding-round.entity';
import { columnsSql, entityFromRow } from '../database/entity-rows';
import { preparedQuery } from '../database/prepared-query';
import { effectiveClosesAtSql } from './round-deadlines';
import { publishedRoundSql, UNPUBLISHED_ROUND_STATUS } from './round-lifecycle';
import type { RoundWithParts } from './round-views';
import { RoundYearCap } from './round-year-cap.entity';
import { ROUND_SORT_FIELDS, type RoundQuery } from './round.dto';

// A round's lists, each loaded by its own query: joined, 20 criteria and 10 year caps would
// repeat the round row, taxonomy and all, 200 times.
const WITH_PARTS = {
  relations: { criteria: true, yearCaps: true },
  relationLoadStrategy: 'query',
} as const;

const PUBLISHED: FindOptionsWhere<FundingRound> = {
  status: Not(UNPUBLISHED_ROUND_STATUS),
};

// What drafting a bid reads about the organisation it is made from.
export interface BiddingOrganisation {
  id: string;
  name: string;
  type: Organisation['type'];
  active: boolean;
  forceAreaCode: string | null;
}

export interface RoundForBidding {
  round: FundingRound;
  closesAt: Date;
  organisation: BiddingOrganisation | null;
}

// Named reads and writes of rounds with their criteria and year caps, in the caller's
// transaction (or the data source's manager for a plain read).
@Injectable()
export class RoundStore {
  // A page of rounds with their parts; `publishedOnly` leaves drafts out.
  async page(
    manager: EntityManager,
    query: RoundQuery,
    publishedOnly: boolean,
  ): Promise<[RoundWithParts[], number]> {
    const where: FindOptionsWhere<FundingRound> = {
      ...(publishedOnly ? PUBLISHED : {}),
      ...(query.status ? { status: query.status } : {}),
    };
    const search = query.q ? ILike(containsPattern(query.q)) : undefined;
    const descending = query.sort.startsWith('-');
    const field = ROUND_SORT_FIELDS[query.sort.replace('-', '') as keyof typeof ROUND_SORT_FIELDS];
    const [rows, total] = await manager.findAndCount(FundingRound, {
      where: search
        ? [
            { ...where, code: search },
            { ...where, name: search },
          ]
        : where,
      ...WITH_PARTS,
      // Then by code and id, unique, so that pages are stable.
      order: {
        [field]: { direction: descending ? 'DESC' : 'ASC', nulls: 'LAST' },
        ...(field === 'code' ? {} : { code: 'ASC' }),
        id: 'ASC',
      },
      take: query.limit,
      skip: query.offset,
    });
    return [rows as RoundWithParts[], total];
  }

  // The round holding `code`, if any.
  findByCode(manager: EntityManager, code: string): Promise<FundingRound | null> {
    return manager.findOneBy(FundingRound, { code });
  }

  // A round with its parts; `publishedOnly` answers null for a draft.
  async find(
    manager: EntityManager,
    id: string,
    publishedOnly: boolean,
  ): Promise<RoundWithParts | null> {
    return (await manager.findOne(FundingRound, {
      where: { ...(publishedOnly ? PUBLISHED : {}), id },
      ...WITH_PARTS,
    })) as RoundWithParts | null;
  }

  // A published round with its criteria and caps; `lock` holds it against concurrent changes
  // (`write` serialises work that must be one at a time per round, such as award decisions;
  // `share` only keeps its status still).
  async findPublished(
    manager: EntityManager,
    id: string,
    lock: 'write' | 'share' | null,
  ): Promise<RoundWithParts | null> {
    const found = await manager.findOne(FundingRound, {
      where: { id, ...PUBLISHED },
      ...(lock
        ? { lock: { mode: lock === 'write' ? 'pessimistic_write' : 'pessimistic_read' } }
        : {}),
    });
    return found ? this.load(manager, id) : null;
  }

  // A published round with an organisation's own close time for it and the facts about the
  // organisation a bid is made from, in one query: what drafting a bid needs, without the
  // criteria and caps it does not. Not locked: a published round's settings never change, and
  // the draft's own write checks the round is still open.
  async findForBidding(
    manager: EntityManager,
    id: string,
    organisationId: string,
  ): Promise<RoundForBidding | null> {
    // Plain SQL, prepared: every draft a bidder starts reads it.
    const [row] = await preparedQuery<
      Record<string, unknown> & { own_closes_at: Date; organisation: BiddingOrganisation | null }
    >(
      manager,
      `SELECT ${columnsSql(manager, FundingRound, 'round')},
              ${effectiveClosesAtSql('round', '$2')} AS own_closes_at,
              (SELECT json_build_object('id', o.id, 'name', o.name, 'type', o.type,
                 'active', o.active, 'forceAreaCode', o.force_area_code)
                 FROM organisations o WHERE o.id = $2) AS organisation
         FROM funding_rounds round
        WHERE round.id = $1 AND ${publishedRoundSql('round')}`,
      [id, organisationId],
    );
    return row
      ? {
          round: entityFromRow(manager, FundingRound, row),
          closesAt: row.own_closes_at,
          organisation: row.organisation,
        }
      : null;
  }

  // The round, whatever its status, locked for a change, with its parts.
  async lock(manager: EntityManager, id: string): Promise<RoundWithParts> {
    const locked = await manager.findOne(FundingRound, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!locked) {
      throw notFound('Funding round');
    }
    return this.load(manager, id);
  }

  async load(manager: EntityManager, id: string): Promise<RoundWithParts> {
    const [round] = await manager.find(FundingRound, { where: { id }, ...WITH_PARTS });
    if (!round) {
      throw notFound('Funding round');
    }
    return round as RoundWithParts;
  }

  // A new round with its criteria and year caps, as saved (ids filled in).
  async insert(manager: EntityManager, round: RoundWithParts): Promise<RoundWithParts> {
    const { criteria, yearCaps, ...row } = round;
    const saved = (await manager.save(FundingRound, row)) as RoundWithParts;
    saved.criteria = await manager.save(
      AssessmentCriterion,
      criteria.map((criterion) => ({ ...criterion, roundId: saved.id })),
    );
    saved.yearCaps = await manager.save(
      RoundYearCap,
      yearCaps.map((cap) => ({ ...cap, roundId: saved.id })),
    );
    return saved;
  }

  // A round's settings, and its criteria and year caps when given (replacing the old ones).
  // Any update bumps the version, even one that changes only criteria or caps (the service
  // calls it only for an edit that changes something).
  async update(
    manager: EntityManager,
    id: string,
    settings: Partial<FundingRound>,
    parts: { criteria?: AssessmentCriterion[]; yearCaps?: RoundYearCap[] },
  ): Promise<void> {
    await manager.update(FundingRound, { id }, settings);
    if (parts.criteria) {
      await manager.delete(AssessmentCriterion, { roundId: id });
      await manager.save(
        AssessmentCriterion,
        parts.criteria.map((criterion) => ({ ...criterion, roundId: id })),
      );
    }
    if (parts.yearCaps) {
      await manager.delete(RoundYearCap, { roundId: id });
      await manager.save(RoundYearCap, parts.yearCaps);
    }
  }

  async setStatus(
    manager: EntityManager,
    id: string,
    status: RoundStatus,
    settings: Partial<Pick<FundingRound, 'assessmentDueAt'>>,
  ): Promise<void> {
    await manager.update(FundingRound, { id }, { status, ...settings });
  }
}
