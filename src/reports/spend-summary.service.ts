import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { CostKind } from '../bids/bid-lines.entity';
import type { AuthenticatedUser } from '../common/access';
import { DomainError } from '../common/domain-error';
import { formatLondon } from '../common/london-time';
import { RoundsService } from '../rounds/rounds.service';
import { spendAward, type AwardRow, type MoneyRow, money } from './spend-summary.rules';
import type { SpendSummaryDto, SpendSummaryQuery, SpendTotalDto } from './spend-summary.dto';
import { AWARD_ROWS, TOTAL_ROWS } from './spend-summary.sql';

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

  // The moment a summary is read as at: now unless given; never in the future, whose figures
  // could still change.
  asAtOf(asAt: string | undefined, now = new Date()): Date {
    const moment = asAt ? new Date(asAt) : now;
    if (moment.getTime() > now.getTime()) {
      throw DomainError.invalid('as-at-in-future', 'A summary is of what has happened.', [
        { field: 'asAt', message: `give a moment no later than now (${now.toISOString()})` },
      ]);
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
      const round = await this.rounds.get(user, roundId);
      const totals = await manager.query<TotalRow[]>(TOTAL_ROWS, [roundId, asAt]);
      const rows = await this.awardRows(manager, roundId, asAt, query.limit, query.offset);
      const round0 = totals.find((row) => row.level === 'round');
      const of = (level: TotalRow['level']) =>
        totals.filter((row) => row.level === level).map(total);
      return {
        roundId,
        roundCode: round.code,
        roundName: round.name,
        asAt: asAt.toISOString(),
        asAtLondon: formatLondon(asAt),
        totals: {
          round: round0 ? total(round0) : { awards: 0, ...money(null) },
          byForceArea: of('forceArea'),
          byApplicantType: of('applicantType'),
          byYearAndKind: of('yearAndKind'),
        },
        awards: {
          items: rows.map(spendAward),
          total: Number(round0?.awards ?? 0),
          limit: query.limit,
          offset: query.offset,
        },
      };
    });
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
