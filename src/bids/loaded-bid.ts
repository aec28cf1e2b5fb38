import { createHash } from 'node:crypto';
import { formatLondonZoned } from '../common/london-time';
import type { BidDto, EndorsementState } from './bid-response.dto';
import type { BidContentDto } from './bid.dto';
import { Bid } from './bid.entity';
import { BidCostLine, BidIntervention, BidMatchFunding } from './bid-lines.entity';

// A bid read whole (BidStore.load): the bid with its lines, its round's and organisation's names
// and its own close time; and what is made of it: the content a bidder wrote, its digest, the
// API's answer, and the lines an input sends as they are stored.

export type LoadedBid = Bid & {
  costLines: BidCostLine[];
  matchFunding: BidMatchFunding[];
  interventions: BidIntervention[];
  round: { code: string; name: string };
  organisation: { name: string };
  // The organisation's own close time for the round (round-deadlines.ts).
  closesAt: Date;
};

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
    submittedAtUkTime: bid.submittedAt ? formatLondonZoned(bid.submittedAt) : null,
    submittedDigest: bid.submittedDigest,
    closesAt: bid.closesAt,
    closesAtUkTime: formatLondonZoned(bid.closesAt),
    eligibilityFailureReason: bid.eligibilityFailureReason,
    withdrawnAt: bid.withdrawnAt,
    withdrawalReason: bid.withdrawalReason,
    createdAt: bid.createdAt,
    updatedAt: bid.updatedAt,
    version: bid.version,
  };
}

export type LineInput = Pick<BidContentDto, 'costLines' | 'matchFunding' | 'interventions'>;
export type NewLines = {
  costLines: Omit<BidCostLine, 'bid'>[];
  matchFunding: Omit<BidMatchFunding, 'bid' | 'id'>[];
  interventions: Omit<BidIntervention, 'bid' | 'id'>[];
};

// The lines an input sends, as they are stored: numbered in the order sent, optional parts of
// an intervention empty. A list not sent is empty.
export function linesFrom(bidId: string, input: LineInput): NewLines {
  return {
    costLines: (input.costLines ?? []).map(({ financialYear, kind, amountPence }) => ({
      bidId,
      financialYear,
      kind,
      amountPence,
    })),
    matchFunding: (input.matchFunding ?? []).map(({ source, kind, amountPence }, n) => ({
      bidId,
      position: n + 1,
      source,
      kind,
      amountPence,
    })),
    interventions: (input.interventions ?? []).map((intervention, n) => ({
      bidId,
      position: n + 1,
      category: intervention.category,
      type: intervention.type,
      description: intervention.description,
      evidence: intervention.evidence ?? '',
      costPence: intervention.costPence,
      outputMeasure: intervention.outputMeasure ?? null,
      outputTarget: intervention.outputTarget ?? null,
    })),
  };
}
