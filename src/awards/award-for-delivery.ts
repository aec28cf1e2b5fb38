import { notFound } from '../common/common.errors';
import type { YearKindAmount } from '../returns/return.rules';
import { roundError } from '../rounds/rounds.errors';
import type { FundingRound } from '../rounds/funding-round.entity';
import { awardProfileAtSql } from './award-lifecycle';
import type { DecisionStatus } from './award.entity';
import type { ProfileCell } from './variation.rules';

// What delivery returns need of an award: its money per year and kind, the bid's interventions
// and targets, and the round's settings for returns and payments.
export interface AwardForDelivery {
  id: string;
  bidId: string;
  reference: string;
  title: string;
  organisationId: string;
  organisationName: string;
  roundId: string;
  roundCode: string;
  status: DecisionStatus;
  lines: YearKindAmount[];
  // The quarterly profile an approved variation set, or null for an award never varied (its
  // lines are then spread evenly over each year's quarters).
  profile: ProfileCell[] | null;
  interventions: {
    id: string;
    type: string;
    outputMeasure: string | null;
    outputTarget: number | null;
  }[];
  varianceThresholdPercent: number;
  paymentDays: number;
}

// The award as the SQL below reads it: with its round's status and its bid's, which decide
// whether it may be read at all and whether its money may still change.
export type AwardForDeliveryRaw = AwardForDelivery & {
  roundStatus: FundingRound['status'];
  bidStatus: string;
};

// The award `awardId` (an SQL uuid expression) whole as one JSON object, or NULL when it is not
// a published award of a published round: the award with its bid's reference, title and
// interventions (each output target as the latest approved variation set it), its
// organisation's name, its lines, its quarterly profile now and its round's settings. One
// subquery, so a read of a return (or anything else) brings its award in the same statement.
export function awardForDeliveryJson(awardId: string): string {
  return `(SELECT json_build_object(
      'id', a.id, 'bidId', a.bid_id, 'reference', b.reference, 'title', b.title,
      'bidStatus', b.status, 'organisationId', a.organisation_id, 'organisationName', o.name,
      'roundId', r.id, 'roundCode', r.code, 'roundStatus', r.status, 'status', a.status,
      'varianceThresholdPercent', r.variance_threshold_percent, 'paymentDays', r.payment_days,
      'lines', (SELECT coalesce(json_agg(json_build_object(
          'financialYear', l.financial_year, 'kind', l.kind, 'amountPence', l.amount_pence)
          ORDER BY l.financial_year, l.kind), '[]')
        FROM award_lines l WHERE l.decision_id = a.id),
      'profile', ${awardProfileAtSql('a.id', 'now()')},
      'interventions', (SELECT coalesce(json_agg(json_build_object(
          'id', i.id, 'type', i.type, 'outputMeasure', i.output_measure,
          'outputTarget', coalesce(
            (SELECT coalesce(t."outputTarget", 0)
             FROM award_variations v
             CROSS JOIN jsonb_to_recordset(v.output_targets) AS t("interventionId" text, "outputTarget" int)
             WHERE v.award_id = a.id AND v.status = 'approved' AND v.output_targets IS NOT NULL
               AND t."interventionId" = i.id::text
             ORDER BY v.approved_at DESC LIMIT 1),
            i.output_target))
          ORDER BY i.position), '[]')
        FROM bid_interventions i WHERE i.bid_id = a.bid_id))
    FROM award_decisions a
    JOIN bids b ON b.id = a.bid_id
    JOIN organisations o ON o.id = b.organisation_id
    JOIN funding_rounds r ON r.id = a.round_id AND r.status <> 'draft'
    WHERE a.id = ${awardId} AND a.outcome = 'award' AND a.published_at IS NOT NULL)`;
}

// The award read by awardForDeliveryJson, refused as before: not found when it is not a
// published award (or its bid is still a draft); when it is about to change (`forChange`),
// refused once its round is closed out, since nothing about its money changes any more.
export function deliverableAward(
  raw: AwardForDeliveryRaw | null,
  forChange: boolean,
): AwardForDelivery {
  if (!raw) {
    throw notFound('Award');
  }
  const { roundStatus, bidStatus, ...award } = raw;
  if (forChange && roundStatus === 'closed_out') {
    throw roundError('round-closed-out', {
      message: `Round ${award.roundCode} is closed out: nothing about its money changes any more.`,
    });
  }
  if (bidStatus === 'draft') {
    throw notFound('Bid');
  }
  return award;
}
