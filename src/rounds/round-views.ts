import { formatLondonZoned } from '../common/london-time';
import type { AssessmentCriterion } from './assessment-criterion.entity';
import type { FundingRound } from './funding-round.entity';
import type { RoundDto } from './round-response.dto';
import type { RoundYearCap } from './round-year-cap.entity';
import { financialYearsBetween } from './financial-year';
import { isEndorsingRound } from './round-lifecycle';

// A round as the API and the audit trail show it.
export type RoundWithParts = FundingRound & {
  criteria: AssessmentCriterion[];
  yearCaps: RoundYearCap[];
};

// `yourClosesAt`: an applicant's organisation's own close time (round-deadlines.ts); null for
// staff, who see the round's.
export function toRoundDto(round: RoundWithParts, yourClosesAt: Date | null = null): RoundDto {
  const { criteria, yearCaps, ...rest } = round;
  return {
    ...rest,
    biddingWindowUkTime: `${formatLondonZoned(round.opensAt)} to ${formatLondonZoned(round.closesAt)}`,
    yourClosesAt,
    yourClosesAtUkTime: yourClosesAt ? formatLondonZoned(yourClosesAt) : null,
    deliveryYears: financialYearsBetween(round.deliveryStartsOn, round.deliveryEndsOn),
    endorsing: isEndorsingRound(round),
    criteria: [...criteria]
      .sort((a, b) => a.position - b.position)
      .map(({ id, position, title, guidance, weight, maxMark }) => ({
        id,
        position,
        title,
        guidance,
        weight,
        maxMark,
      })),
    yearCaps: [...yearCaps]
      .sort((a, b) => a.financialYear.localeCompare(b.financialYear))
      .map(({ financialYear, capPence }) => ({ financialYear, capPence })),
  };
}

// Plain values for audit diffs: criteria and caps without ids, so only real changes show.
export function auditView(round: RoundWithParts): Record<string, unknown> {
  const dto = toRoundDto(round);
  return {
    ...dto,
    criteria: dto.criteria.map(({ title, guidance, weight, maxMark }) => ({
      title,
      guidance,
      weight,
      maxMark,
    })),
  };
}
