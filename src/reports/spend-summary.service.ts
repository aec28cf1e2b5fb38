import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { CostKind } from '../bids/bid-lines.entity';
import type { AuthenticatedUser } from '../common/access';
import { formatLondonZoned } from '../common/london-time';
import { RoundsService } from '../rounds/rounds.service';
import { reportAsAt, spendAward, type AwardRow, type MoneyRow, money } from './spend-summary.rules';
import type {
  SpendAwardDto,
  SpendSummaryDto,
  SpendSummaryQuery,
  SpendTotalDto,
  SpendTotalsDto,
} from './spend-summary.dto';
import type { QuarterTotal } from './spend-export';
import { AWARD_ROWS, QUARTER_TOTALS, SPEND_SETTINGS, TOTAL_ROWS } from './spend-summary.sql';
import { EXPORT_SIZE } from './spend-lines.sql';
import { reportError } from './reports.errors';

type TotalRow = MoneyRow & {
  level: 'round' | 'forceArea' | 'applicantType' | 'yearAndKind';
  force_area_code: string | null;
  force_area_name: string | null;
  applicant_type: string | null;
  financial_year: string | null;
  kind: CostKind | null;
  awards: string;
};

function total(row: TotalRow): SpendTotalDto {
  const base = { awards: Number(row.awards), ...money(row) };
  switch (row.level) {
    case 'forceArea':
      return {
        ...base,
        forceAreaCode: row.force_area_code,
        forceAreaName: row.force_area_name ?? '',
      };
    case 'applicantType':
      return { ...base, applicantType: row.applicant_type ?? '' };
    case 'yearAndKind':
      return { ...base, financialYear: row.financial_year ?? '', kind: row.kind ?? 'capital' };
    case 'round':
      return base;
  }
}

// A round's spend as finance and the programme read it: per award, per financial year and
// quarter, capital and revenue, with the round's totals and subtotals; all computed in
// PostgreSQL as at one moment, in one snapshot, a page of awards at a time.
@Injectable()
export class SpendSummaryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rounds: RoundsService,
  ) {}

  // The moment a summary is read as at: a few seconds ago unless given (reportAsAt); never in the
  // future, whose figures could still change.
  asAtOf(asAt: string | undefined, now = new Date()): Date {
    const moment = reportAsAt(asAt, now);
    if (moment.getTime() > now.getTime()) {
      throw reportError('as-at-in-future', {
        errors: [
          { field: 'asAt', message: `give a moment no later than now (${formatLondonZoned(now)})` },
        ],
      });
    }
    return moment;
  }

  summary(
    user: AuthenticatedUser,
    roundId: string,
    query: SpendSummaryQuery,
    now = new Date(),
  ): Promise<SpendSummaryDto> {
    const asAt = this.asAtOf(query.asAt, now);
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query(SPEND_SETTINGS);
      const round = await this.rounds.get(user, roundId);
      const totals = await this.totals(manager, roundId, asAt);
      const rows = await this.awardRows(manager, roundId, asAt, query.limit, query.offset);
      return {
        roundId,
        roundCode: round.code,
        roundName: round.name,
        asAt: asAt.toISOString(),
        asAtLondon: formatLondonZoned(asAt),
        totals,
        awards: {
          items: rows.map(spendAward),
          total: totals.round.awards,
          limit: query.limit,
          offset: query.offset,
        },
      };
    });
  }

  async totals(manager: EntityManager, roundId: string, asAt: Date): Promise<SpendTotalsDto> {
    const rows = await manager.query<TotalRow[]>(TOTAL_ROWS, [roundId, asAt]);
    const round = rows.find((row) => row.level === 'round');
    const of = (level: TotalRow['level']) => rows.filter((row) => row.level === level).map(total);
    return {
      round: round ? total(round) : { awards: 0, ...money(null) },
      byForceArea: of('forceArea'),
      byApplicantType: of('applicantType'),
      byYearAndKind: of('yearAndKind'),
    };
  }

  // The round's awards one at a time from a cursor, in reference order: never all in memory.
  // Run on a query runner holding a transaction, so every pass reads the same snapshot.
  async *streamAwards(
    runner: QueryRunner,
    roundId: string,
    asAt: Date,
  ): AsyncGenerator<SpendAwardDto> {
    const stream = await runner.stream(AWARD_ROWS, [roundId, asAt, null, 0]);
    try {
      for await (const row of stream as AsyncIterable<AwardRow>) {
        yield spendAward(row);
      }
    } finally {
      stream.destroy();
    }
  }

  // About how many lines an export of the round has (awards, their year and quarter lines), to
  // tell its progress by; read by keys, without working out the figures.
  async exportSize(manager: EntityManager, roundId: string, asAt: Date): Promise<number> {
    const [row] = await manager.query<{ lines: string }[]>(EXPORT_SIZE, [roundId, asAt]);
    return Number(row?.lines ?? 0);
  }

  async quarterTotals(
    manager: EntityManager,
    roundId: string,
    asAt: Date,
  ): Promise<QuarterTotal[]> {
    const rows = await manager.query<
      {
        financial_year: string;
        quarter: number;
        profile: string;
        claimed: string;
        approved: string;
        paid: string;
      }[]
    >(QUARTER_TOTALS, [roundId, asAt]);
    return rows.map((row) => ({
      financialYear: row.financial_year,
      quarter: row.quarter,
      profilePence: Number(row.profile),
      claimedPence: Number(row.claimed),
      approvedPence: Number(row.approved),
      paidPence: Number(row.paid),
    }));
  }

  // A page of the round's awards as at `asAt`, in reference order.
  awardRows(
    manager: EntityManager,
    roundId: string,
    asAt: Date,
    limit: number,
    offset: number,
  ): Promise<AwardRow[]> {
    return manager.query<AwardRow[]>(AWARD_ROWS, [roundId, asAt, limit, offset]);
  }
}
