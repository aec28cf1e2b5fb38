import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { FundingRound } from '../rounds/funding-round.entity';
import { Bid } from './bid.entity';
import { notFound } from '../common/common.errors';
import { type LineInput, linesFrom, type LoadedBid } from './loaded-bid';
import { liveBidCountSql } from './bid-lifecycle';
import type { LimitScope } from './eligibility.rules';
import { SUBMISSION_FACTS_SQL, type SubmissionFacts } from './submission-facts';
import { columnsSql, entityFromRow, insertSql } from '../database/entity-rows';
import {
  editedColumnsSql,
  linesTotalSql,
  lineInsertsSql,
  nextNumberSql,
  referenceSql,
} from './bid-write-sql';
import { preparedQuery } from '../database/prepared-query';
import {
  type BidLinesRaw,
  selectWholeBid,
  type WholeBidRaw,
  wholeBidFromRow,
  wholeBidsSql,
  withLines,
} from './whole-bid-sql';

function scopeColumn(scope: LimitScope): ['force_area_code' | 'organisation_id', string] {
  return 'forceAreaCode' in scope
    ? ['force_area_code', scope.forceAreaCode]
    : ['organisation_id', scope.organisationId];
}

export interface WrittenLines {
  requestedPence: number;
  matchFundingPence: number;
  matchFundingIds: string[];
  interventionIds: string[];
  version: number;
  updatedAt: Date;
}

interface WrittenLinesRaw {
  requested_pence: string;
  match_funding_pence: string;
  match_funding_ids: string[];
  intervention_ids: string[];
  version: number;
  updated_at: Date;
}

// Named reads and writes of bids and their lines, inside the caller's transaction (insertDraft
// also on its own, with the data source's manager).
@Injectable()
export class BidStore {
  async load(manager: EntityManager, id: string): Promise<LoadedBid> {
    const [bid] = await this.loadMany(manager, [id]);
    if (!bid) {
      throw notFound('Bid');
    }
    return bid;
  }

  // Whole bids in the order of `ids` (missing ones left out), in one query whatever their
  // number (wholeBids).
  async loadMany(manager: EntityManager, ids: string[]): Promise<LoadedBid[]> {
    if (ids.length === 0) {
      return [];
    }
    const rows = await preparedQuery<WholeBidRaw>(
      manager,
      `${wholeBidsSql(manager, 'bids bid')} WHERE bid.id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((row) => [row.id as string, wholeBidFromRow(manager, row)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  // `query` read whole (selectWholeBid): its bids in the order of `ids`, each with its raw row
  // (for the columns `query` added of its own).
  private async readWholeRows(
    query: SelectQueryBuilder<Bid>,
    ids: string[],
  ): Promise<[LoadedBid, Record<string, unknown>][]> {
    type Row = BidLinesRaw & { bid_id: string; own_closes_at: Date } & Record<string, unknown>;
    const { entities: bids, raw } = await selectWholeBid(query).getRawAndEntities<Row>();
    const rows = new Map(raw.map((row) => [row.bid_id, row]));
    const byId = new Map<string, [LoadedBid, Row]>(
      bids.map((bid) => {
        const row = rows.get(bid.id) as Row;
        return [bid.id, [withLines(bid, row) as LoadedBid, row]];
      }),
    );
    return ids.flatMap((id) => {
      const found = byId.get(id);
      return found ? [found] : [];
    });
  }

  // The bid's own row, locked for the rest of the transaction; null when there is none.
  lockRow(manager: EntityManager, id: string): Promise<Bid | null> {
    return manager.findOne(Bid, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  // Locks the bid row for the rest of the transaction, then reads it whole.
  async lock(manager: EntityManager, id: string): Promise<LoadedBid> {
    if (!(await this.lockRow(manager, id))) {
      throw notFound('Bid');
    }
    return this.load(manager, id);
  }

  // For an edit of a draft: locks the bid row for the rest of the transaction, then reads it
  // whole with its whole round, the round share-locked as the round's own read for bidding
  // does (a close waits for the edit; parallel edits in the round do not wait for each other).
  // Two statements: the read comes after the lock, so a wait for the bid's lock never leaves it
  // with lines older than the row.
  async lockForEdit(
    manager: EntityManager,
    id: string,
  ): Promise<LoadedBid & { round: FundingRound }> {
    return (await this.lockWithRound(manager, id, {}))[0];
  }

  // For a submission: lockForEdit's two statements, the read also answering what the
  // submission's guards and emails need (SubmissionFacts): its round's year caps, its
  // organisation as it is now, that organisation's area's PCC with its applicants, the bid's
  // attached documents, and the live bids other than this one in the area and of the
  // organisation (counted before any scope lock: a first look, exact only once locked).
  async lockForSubmission(
    manager: EntityManager,
    id: string,
  ): Promise<{ bid: LoadedBid & { round: FundingRound }; facts: SubmissionFacts }> {
    const [bid, row] = await this.lockWithRound(manager, id, SUBMISSION_FACTS_SQL);
    const facts = Object.fromEntries(
      Object.keys(SUBMISSION_FACTS_SQL).map((alias) => [alias, row[alias]]),
    ) as unknown as SubmissionFacts;
    return { bid, facts };
  }

  // lockForEdit's two statements, the read also selecting `more` (alias: SQL) of its own.
  private async lockWithRound(
    manager: EntityManager,
    id: string,
    more: Record<string, string>,
  ): Promise<[LoadedBid & { round: FundingRound }, Record<string, unknown>]> {
    const [locked] = await manager.query<{ id: string }[]>(
      `SELECT id FROM bids WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!locked) {
      throw notFound('Bid');
    }
    const query = manager
      .createQueryBuilder(Bid, 'bid')
      .innerJoinAndSelect('bid.round', 'round')
      .where('bid.id = :id', { id })
      .setLock('pessimistic_read', undefined, ['round']);
    for (const [alias, sql] of Object.entries(more)) {
      query.addSelect(sql, alias);
    }
    const [[bid, row]] = await this.readWholeRows(query, [id]);
    return [bid, row];
  }

  // A submission's writes in one statement: the bid's `edit` columns, its version and update
  // time moved, with each of `writes` (auditInsert, OutboxService.insertOf: INSERTs whose values
  // are numbered from the one given) as a data-modifying CTE. Answers the version and update
  // time, and the live bids other than this one in round `roundId` within `scope` as the
  // statement finds them: after the caller's lock on the scope, an exact count.
  async writeSubmission(
    manager: EntityManager,
    bidId: string,
    roundId: string,
    scope: LimitScope,
    edit: Partial<Bid>,
    writes: ((first: number) => { sql: string; values: unknown[] })[],
  ): Promise<{ version: number; updatedAt: Date; otherLive: number }> {
    const [column, value] = scopeColumn(scope);
    const live = liveBidCountSql(column, { except: '$1', round: '$2', value: '$3' });
    const values: unknown[] = [bidId, roundId, value];
    const ctes = writes.map((write, n) => {
      const insert = write(values.length + 1);
      values.push(...insert.values);
      return `write${n} AS (${insert.sql})`;
    });
    const columns = editedColumnsSql(manager, edit, values).replace(/,$/, '');
    const [[written]] = await manager.query<
      [{ version: number; updated_at: Date; other_live: number }[], number]
    >(
      `${ctes.length > 0 ? `WITH ${ctes.join(', ')}` : ''}
       UPDATE bids SET ${columns} WHERE id = $1
       RETURNING version, updated_at, ${live} AS other_live`,
      values,
    );
    return {
      version: written.version,
      updatedAt: written.updated_at,
      otherLive: written.other_live,
    };
  }

  // A new draft of round `round` with its lines and audit event, in one statement, answered as
  // a read would find it (generated and default values with it, unset columns null) with the
  // new lines' ids in order; null, and nothing written, when the round is no longer open. Its
  // number takes the round's counter row (nextNumberSql) until commit: on its own, outside a
  // transaction, this statement alone; a failed create gives its number back, so references
  // have no gaps. Its totals are the sums of its lines. `audit`: its event (auditInsertFrom)
  // over `bid`, values numbered from the one given.
  async insertDraft(
    manager: EntityManager,
    round: { id: string; code: string },
    fields: Omit<
      Partial<Bid>,
      'roundId' | 'number' | 'reference' | 'requestedPence' | 'matchFundingPence'
    >,
    input: LineInput,
    audit: (first: number, from: string) => { sql: string; values: unknown[] },
  ): Promise<(Bid & Pick<WrittenLines, 'matchFundingIds' | 'interventionIds'>) | null> {
    const lines = linesFrom('', input);
    const values: unknown[] = [
      round.id,
      round.code,
      JSON.stringify(lines.costLines),
      JSON.stringify(lines.matchFunding),
      JSON.stringify(lines.interventions),
    ];
    const insert = insertSql(
      manager,
      Bid,
      { ...fields, roundId: round.id },
      values,
      {
        number: 'counter.last_number',
        reference: referenceSql('$2', 'counter.last_number'),
        requested_pence: linesTotalSql('$3'),
        match_funding_pence: linesTotalSql('$4'),
      },
      'counter',
    );
    const event = audit(values.length + 1, 'bid');
    values.push(...event.values);
    const [row] = await preparedQuery<WrittenLinesRaw & Record<string, unknown>>(
      manager,
      `WITH counter AS (${nextNumberSql('$1')}),
       bid AS (${insert}),
       ${lineInsertsSql('bid.id', ['$3', '$4', '$5'], 'bid')},
       audit AS (${event.sql})
       SELECT ${columnsSql(manager, Bid, 'bid')},
         (SELECT coalesce(json_agg(id ORDER BY position), '[]') FROM funding) AS match_funding_ids,
         (SELECT coalesce(json_agg(id ORDER BY position), '[]') FROM interventions) AS intervention_ids
       FROM bid`,
      values,
    );
    if (!row) {
      return null;
    }
    return Object.assign(entityFromRow(manager, Bid, row), {
      matchFundingIds: row.match_funding_ids,
      interventionIds: row.intervention_ids,
    });
  }

  // Live bids other than `exceptId` in the limit's scope: a PCC area, or one applicant.
  async countLive(
    manager: EntityManager,
    roundId: string,
    scope: LimitScope,
    exceptId: string,
  ): Promise<number> {
    const [column, value] = scopeColumn(scope);
    const live = liveBidCountSql(column, { except: '$1', round: '$2', value: '$3' });
    const [row] = await manager.query<{ count: number }[]>(`SELECT ${live} AS count`, [
      exceptId,
      roundId,
      value,
    ]);
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

  // The bid `userId` created with Idempotency-Key `key`, if any (lockCreationKey first).
  findByCreationKey(manager: EntityManager, userId: string, key: string): Promise<Bid | null> {
    return manager.findOneBy(Bid, { createdBy: userId, creationKey: key });
  }

  // Replaces whichever lists the input sends and keeps the derived totals in step, in at most
  // two statements. `audit`: an event (auditInsert, its values numbered from the one given)
  // written by the same statement as the lines. `edit`: the bid's own columns an edit changes,
  // set by the same statement, which also moves the bid's version and update time (always, so
  // the version moves even when only lines change). Answers the totals, the new lines' ids in
  // order, and the bid's version and update time.
  async writeLines(
    manager: EntityManager,
    bidId: string,
    input: LineInput,
    {
      audit,
      edit,
    }: {
      audit?: (first: number) => { sql: string; values: unknown[] };
      edit?: Partial<Bid>;
    } = {},
  ): Promise<WrittenLines> {
    const sent = [input.costLines, input.matchFunding, input.interventions].map(
      (list) => list !== undefined,
    );
    if (sent.some(Boolean)) {
      // The replaced lists go in a statement of their own: deleted and inserted by one
      // statement, old and new lines would collide on their positions.
      await manager.query(
        `WITH cost AS (DELETE FROM bid_cost_lines WHERE bid_id = $1 AND $2),
              funding AS (DELETE FROM bid_match_funding WHERE bid_id = $1 AND $3)
         DELETE FROM bid_interventions WHERE bid_id = $1 AND $4`,
        [bidId, ...sent],
      );
    }
    // Each list sent inserted from a JSON array, and the bid's totals set to the sums of the
    // lists just written (a list not sent keeps its lines, so its total stands). PostgreSQL runs
    // every INSERT of the WITH whether or not the UPDATE reads it.
    const lines = linesFrom(bidId, input);
    const event = audit?.(7);
    const values: unknown[] = [
      bidId,
      JSON.stringify(lines.costLines),
      JSON.stringify(lines.matchFunding),
      JSON.stringify(lines.interventions),
      sent[0],
      sent[1],
      ...(event?.values ?? []),
    ];
    const columns = edit ? editedColumnsSql(manager, edit, values) : '';
    const [written] = await preparedQuery<WrittenLinesRaw>(
      manager,
      `WITH ${event ? `audit AS (${event.sql}),` : ''}
       ${lineInsertsSql('$1', ['$2', '$3', '$4'])}
       UPDATE bids SET ${columns}
         requested_pence = CASE WHEN $5 THEN (SELECT coalesce(sum(amount_pence), 0) FROM cost)
                           ELSE requested_pence END,
         match_funding_pence = CASE WHEN $6 THEN (SELECT coalesce(sum(amount_pence), 0) FROM funding)
                               ELSE match_funding_pence END
       WHERE id = $1
       RETURNING requested_pence, match_funding_pence, version, updated_at,
         (SELECT coalesce(json_agg(id ORDER BY position), '[]') FROM funding) AS match_funding_ids,
         (SELECT coalesce(json_agg(id ORDER BY position), '[]') FROM interventions) AS intervention_ids`,
      values,
    );
    return {
      requestedPence: Number(written.requested_pence),
      matchFundingPence: Number(written.match_funding_pence),
      matchFundingIds: written.match_funding_ids,
      interventionIds: written.intervention_ids,
      version: written.version,
      updatedAt: written.updated_at,
    };
  }
}
