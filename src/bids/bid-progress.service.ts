import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import type { BidParties } from '../users/separation.rules';
import type { BidDto } from './bid-response.dto';
import type { BidCostLine } from './bid-lines.entity';
import { BidAssessmentStore } from './bid-assessment-store';
import { BidEndorsementStore } from './bid-endorsement-store';
import { isFailable, wasSubmitted } from './bid-lifecycle';
import { BidStore } from './bid-store';
import { endorsementState, toBidDto } from './loaded-bid';
import { Bid, BidStatus } from './bid.entity';
import { bidError } from './bids.errors';
import { roundError } from '../rounds/rounds.errors';
import { notFound } from '../common/common.errors';

// What assessment needs to know of a bid without its content.
export interface BidForAssessment {
  id: string;
  reference: string;
  roundId: string;
  organisationId: string;
  organisationName: string;
  forceAreaCode: string | null;
  title: string;
  status: BidStatus;
  requestedPence: number;
  submittedAt: Date;
  // Who made and sent it, for separation of duties.
  createdBy: string;
  submittedBy: string | null;
}

function forAssessment(bid: Bid & { organisation?: { name: string } }): BidForAssessment {
  return {
    id: bid.id,
    reference: bid.reference,
    roundId: bid.roundId,
    organisationId: bid.organisationId,
    organisationName: bid.organisation?.name ?? '',
    forceAreaCode: bid.forceAreaCode,
    title: bid.title,
    status: bid.status,
    requestedPence: bid.requestedPence,
    submittedAt: bid.submittedAt as Date,
    createdBy: bid.createdBy,
    submittedBy: bid.submittedBy,
  };
}

// A bid's passage through assessment, for the assessment module: every write inside the
// caller's transaction, checked against the bid's state and audited.
@Injectable()
export class BidProgressService {
  constructor(
    private readonly store: BidStore,
    private readonly progress: BidAssessmentStore,
    private readonly endorsements: BidEndorsementStore,
    private readonly audit: AuditService,
  ) {}

  // With `lock`, the bids are locked first, so none can leave these statuses (a withdrawal,
  // say) until the transaction ends.
  async list(
    manager: EntityManager,
    roundId: string,
    statuses: readonly BidStatus[],
    lock = false,
  ): Promise<BidForAssessment[]> {
    if (lock) {
      await this.progress.lockInStatuses(manager, roundId, statuses);
    }
    return (await this.progress.listInStatuses(manager, roundId, statuses)).map(forAssessment);
  }

  async findMany(manager: EntityManager, ids: string[]): Promise<Map<string, BidForAssessment>> {
    if (ids.length === 0) {
      return new Map();
    }
    const bids = await this.progress.listWithOrganisations(manager, ids);
    return new Map(bids.map((bid) => [bid.id, forAssessment(bid)]));
  }

  // A submitted (or later) bid; drafts answer 404 as if they did not exist. `lock` holds the
  // bid row until commit, so decisions about one bid happen one at a time.
  async find(manager: EntityManager, id: string, lock = false): Promise<BidForAssessment> {
    const bid = lock
      ? await this.store.lockRow(manager, id)
      : await this.progress.findRow(manager, id);
    if (!bid || !wasSubmitted(bid)) {
      throw notFound('Bid');
    }
    return forAssessment(await this.store.load(manager, id));
  }

  // Who stands behind the bid, for separation of duties, without its content.
  async parties(manager: EntityManager, id: string): Promise<BidParties & { reference: string }> {
    const bid = await this.progress.findParties(manager, id);
    if (!bid) {
      throw notFound('Bid');
    }
    const { reference, organisationId, createdBy, submittedBy } = bid;
    return { reference, organisationId, createdBy, submittedBy };
  }

  // What the bid asked for, per financial year and kind.
  costLines(manager: EntityManager, id: string): Promise<BidCostLine[]> {
    return this.progress.listCostLines(manager, id);
  }

  // The bid as submitted, for those assessing it.
  async readSubmitted(manager: EntityManager, id: string): Promise<BidDto> {
    const bid = await this.store.load(manager, id);
    if (!wasSubmitted(bid)) {
      throw notFound('Bid');
    }
    return toBidDto(bid);
  }

  // When assessment opens, each submitted bid goes to assessment if it needs no endorsement or
  // has it; a bid its PCC declined or never endorsed fails eligibility, with the reason.
  async openAssessment(
    manager: EntityManager,
    actor: AuditActor,
    roundId: string,
    now: Date,
  ): Promise<{
    inAssessment: number;
    failed: { bidId: string; reference: string; reason: string }[];
  }> {
    const bids = await this.progress.lockSubmittedOfRound(manager, roundId);
    const failed: { bidId: string; reference: string; reason: string }[] = [];
    for (const bid of bids) {
      const endorsement = endorsementState(bid);
      const reason =
        endorsement === 'declined'
          ? `Its PCC declined to endorse it: ${bid.endorsementReason ?? 'no reason recorded'}`
          : endorsement === 'awaiting'
            ? 'Its PCC had not endorsed it when assessment opened'
            : null;
      if (reason) {
        await this.fail(manager, actor, bid, reason, now);
        failed.push({ bidId: bid.id, reference: bid.reference, reason });
      } else {
        await this.move(manager, actor, bid, 'in_assessment', 'bid.open-assessment');
      }
    }
    return { inAssessment: bids.length - failed.length, failed };
  }

  async failEligibility(
    manager: EntityManager,
    actor: AuditActor,
    id: string,
    reason: string,
    roundStatus: string,
    now: Date,
  ): Promise<BidDto> {
    const bid = await this.store.lock(manager, id);
    if (!wasSubmitted(bid)) {
      throw notFound('Bid');
    }
    if (!isFailable(bid)) {
      throw bidError('bid-not-failable', {
        message: `Bid ${bid.reference} is ${bid.status}; only a submitted bid not yet decided can fail eligibility.`,
      });
    }
    if (roundStatus !== 'closed' && roundStatus !== 'assessment') {
      throw roundError('round-not-in-assessment', {
        message: `Eligibility is failed after bidding closes and before decisions; this round is ${roundStatus}.`,
      });
    }
    await this.fail(manager, actor, bid, reason, now);
    return toBidDto(await this.store.load(manager, id));
  }

  // All assessments are in and the bid has a final score.
  async markScored(manager: EntityManager, actor: AuditActor, id: string): Promise<void> {
    const bid = await this.store.lock(manager, id);
    if (bid.status === 'in_assessment') {
      await this.move(manager, actor, bid, 'moderated', 'bid.score-final');
    } else if (bid.status !== 'moderated') {
      throw bidError('bid-not-in-assessment', {
        message: `Bid ${bid.reference} is ${bid.status}, so it cannot be given a final score.`,
      });
    }
  }

  // Outcomes published: a decided bid ends awarded or unsuccessful. The caller holds the bid's
  // lock (it listed the round's bids locked).
  async settle(
    manager: EntityManager,
    actor: AuditActor,
    id: string,
    outcome: 'awarded' | 'unsuccessful',
  ): Promise<void> {
    const bid = await this.store.lock(manager, id);
    if (bid.status !== 'moderated') {
      throw bidError('bid-not-decidable', {
        message: `Bid ${bid.reference} is ${bid.status}; only a bid with a final score gets an outcome.`,
      });
    }
    await this.move(manager, actor, bid, outcome, 'bid.publish-outcome');
  }

  private async fail(
    manager: EntityManager,
    actor: AuditActor,
    bid: Bid,
    reason: string,
    now: Date,
  ): Promise<void> {
    await this.endorsements.writeDeparture(manager, bid.id, {
      status: 'eligibility_failed',
      eligibilityFailureReason: reason,
      eligibilityFailedBy: actor.id,
      eligibilityFailedAt: now,
    });
    await this.audit.record(manager, actor, {
      command: 'bid.fail-eligibility',
      objectType: 'bid',
      objectId: bid.id,
      changes: {
        status: { before: bid.status, after: 'eligibility_failed' },
        eligibilityFailureReason: { before: null, after: reason },
      },
    });
  }

  private async move(
    manager: EntityManager,
    actor: AuditActor,
    bid: Bid,
    status: BidStatus,
    command: string,
  ): Promise<void> {
    await this.progress.writeStatus(manager, bid.id, status);
    await this.audit.record(manager, actor, {
      command,
      objectType: 'bid',
      objectId: bid.id,
      changes: { status: { before: bid.status, after: status } },
    });
  }
}
