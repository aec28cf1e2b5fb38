import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { auditInsert } from '../audit/audit-store';
import type { AuthenticatedUser } from '../common/access';
import { scannedCleanSha256s } from '../documents/document.lifecycle';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { EmailMessage, OutboxService } from '../notifications/outbox.service';
import { RoundStore } from '../rounds/round-store';
import { ownBidOrNotFound, windowRefusal } from './bid-drafting.service';
import { endorsementRequest, submissionReceipt } from './bid-emails';
import { EligibilityResult, eligibilityOf, limitScopeOf } from './bid-eligibility.service';
import type { BidDto } from './bid-response.dto';
import { BidEndorsementStore } from './bid-endorsement-store';
import { isOutOfDraft, isWithdrawable } from './bid-lifecycle';
import { BidStore } from './bid-store';
import type { SubmissionFacts } from './submission-facts';
import { contentDigest, LoadedBid, toBidDto } from './loaded-bid';
import { isWindowOpen } from '../rounds/round-lifecycle';
import { BID_ERRORS, bidError } from './bids.errors';
import { organisationError } from '../organisations/organisations.errors';
import { commonError, notFound } from '../common/common.errors';

@Injectable()
export class BidSubmissionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: BidStore,
    private readonly endorsements: BidEndorsementStore,
    private readonly rounds: RoundStore,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // Freezes a draft that passes every rule inside the window. Submitting a bid that is already
  // submitted answers it as it stands, so a retried request does no harm. Four statements: the
  // bid locked; read whole with its round (share-locked) and what the rules and emails need; the
  // limit's scope locked; the bid frozen with its audit event and emails, counting the scope's
  // live bids again now that it is locked. With `expectedVersion` (If-Match) a draft changed
  // since the bidder checked it is refused (412), so what is submitted is what they read.
  submit(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    now = new Date(),
    expectedVersion?: number,
  ): Promise<BidDto> {
    return this.dataSource.transaction(async (manager) => {
      const { bid, facts } = await this.store.lockForSubmission(manager, id);
      ownBidOrNotFound(user, bid);
      if (bid.status === 'withdrawn') {
        throw bidError('bid-withdrawn', {
          message: `Bid ${bid.reference} was withdrawn; start a new bid instead.`,
        });
      }
      if (isOutOfDraft(bid)) {
        return toBidDto(bid);
      }
      if (expectedVersion !== undefined && bid.version !== expectedVersion) {
        throw commonError('version-mismatch', {
          message: `The bid has changed since you checked it (now version ${bid.version}); check it again before submitting.`,
        });
      }
      const { round } = bid;
      if (round.status === 'draft') {
        throw notFound('Funding round');
      }
      // The organisation's own deadline: the round's, or later by a deadline extension.
      if (!isWindowOpen(round, bid.closesAt, now)) {
        throw windowRefusal(round, bid.closesAt, now, 'submit a bid');
      }
      // Who the organisation is now decides endorsement and the limit's scope.
      const organisation = facts.organisation_now;
      if (!organisation.active) {
        throw organisationError('organisation-inactive');
      }
      Object.assign(bid, {
        applicantType: organisation.type,
        forceAreaCode: organisation.forceAreaCode,
        needsEndorsement: organisation.type !== 'pcc' && organisation.forceAreaCode !== null,
      });
      const pcc = bid.forceAreaCode !== null ? facts.area_pcc : null;
      const rules = { ...round, yearCaps: facts.year_caps };
      const eligibility = (otherBids: number) =>
        eligibilityOf(bid, rules, {
          otherBids,
          areaName: organisation.areaName,
          areaHasPcc: pcc !== null,
        });
      const { counted, scopeKey } = limitScopeOf(bid, round, organisation.areaName);
      // A first look at the limit, counted before its scope is locked.
      this.refuseIneligible(
        bid,
        round,
        eligibility('forceAreaCode' in counted ? facts.area_live : facts.organisation_live),
      );
      const digest = contentDigest(
        bid,
        scannedCleanSha256s(
          facts.documents,
          BID_ERRORS['bid-documents-not-ready'],
          `Bid ${bid.reference}`,
        ),
      );
      const columns = {
        status: 'submitted' as const,
        submittedAt: now,
        submittedBy: user.id,
        submittedDigest: digest,
        applicantType: bid.applicantType,
        forceAreaCode: bid.forceAreaCode,
        needsEndorsement: bid.needsEndorsement,
      };
      const saved = Object.assign(bid, columns);
      const entry = {
        command: 'bid.submit',
        objectType: 'bid',
        objectId: id,
        changes: {
          status: { before: 'draft', after: 'submitted' },
          submittedDigest: { before: null, after: digest },
        },
      };
      const emails = this.submissionEmails(saved, round, user, pcc);
      // Two bids of one area submitted at once must not both take the last place.
      await this.store.lockScope(manager, round.id, scopeKey);
      const written = await this.store.writeSubmission(manager, id, round.id, counted, columns, [
        (first) => auditInsert(actor, entry, first),
        ...emails.map((email) => (first: number) => this.outbox.insertOf(email, first)),
      ]);
      // The limit counted again under its lock; a place taken meanwhile undoes the writes.
      this.refuseIneligible(bid, round, eligibility(written.otherLive));
      saved.version = written.version;
      saved.updatedAt = written.updatedAt;
      return toBidDto(saved);
    });
  }

  private refuseIneligible(
    bid: LoadedBid,
    round: { code: string },
    result: EligibilityResult,
  ): void {
    if (result.failures.length > 0) {
      throw bidError('bid-ineligible', {
        message: `Bid ${bid.reference} breaks ${result.failures.length} rule${result.failures.length === 1 ? '' : 's'} of round ${round.code}; each is listed in errors (field names the rule).`,
        errors: result.failures.map((failure) => ({
          field: failure.rule,
          message: failure.message,
        })),
      });
    }
  }

  withdraw(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    reason: string,
    now = new Date(),
  ): Promise<BidDto> {
    return this.dataSource.transaction(async (manager) => {
      // Round before bid, the order assessment locks in, so a withdrawal during assignment
      // waits for it (and cancels what it assigned) instead of deadlocking with it.
      const { roundId } = ownBidOrNotFound(user, await this.store.load(manager, id));
      await this.rounds.findPublished(manager, roundId, 'share');
      const bid = ownBidOrNotFound(user, await this.store.lock(manager, id));
      if (!isWithdrawable(bid)) {
        throw bidError('bid-not-withdrawable', {
          message:
            bid.status === 'withdrawn'
              ? `Bid ${bid.reference} is already withdrawn.`
              : `Bid ${bid.reference} is ${bid.status}: a decision has been made, so it can no longer be withdrawn.`,
        });
      }
      await this.endorsements.writeDeparture(manager, id, {
        status: 'withdrawn',
        withdrawnAt: now,
        withdrawalReason: reason,
      });
      await this.audit.record(manager, actor, {
        command: 'bid.withdraw',
        objectType: 'bid',
        objectId: id,
        changes: {
          status: { before: bid.status, after: 'withdrawn' },
          withdrawalReason: { before: null, after: reason },
        },
      });
      return toBidDto(await this.store.load(manager, id));
    });
  }

  // The receipt to the submitter and, for a bid its area's PCC must endorse, the request to the
  // PCC's applicants (when it has any).
  private submissionEmails(
    bid: LoadedBid,
    round: { name: string; closesAt: Date },
    user: AuthenticatedUser,
    areaPcc: SubmissionFacts['area_pcc'],
  ): EmailMessage[] {
    const links = this.config.portal;
    const pcc = bid.needsEndorsement ? areaPcc : null;
    const receipt = submissionReceipt(bid, round, user, pcc?.name ?? null, links);
    return pcc && pcc.contacts.length > 0
      ? [receipt, endorsementRequest(bid, round, pcc, pcc.contacts, links)]
      : [receipt];
  }
}
