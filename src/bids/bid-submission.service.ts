import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../common/access';
import { DocumentStore } from '../documents/document-store';
import { scannedCleanSha256s } from '../documents/document.lifecycle';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OutboxService } from '../notifications/outbox.service';
import { OrganisationsService } from '../organisations/organisations.service';
import { DeadlineExtensionStore } from '../rounds/deadline-extension-store';
import { RoundStore } from '../rounds/round-store';
import { UsersService } from '../users/users.service';
import { ownBidOrNotFound, windowRefusal } from './bid-drafting.service';
import { endorsementRequest, submissionReceipt } from './bid-emails';
import { BidEligibilityService } from './bid-eligibility.service';
import type { BidDto } from './bid-response.dto';
import { BidStore } from './bid-store';
import { contentDigest, LoadedBid, toBidDto } from './loaded-bid';
import { Bid, WITHDRAWABLE_STATUSES } from './bid.entity';
import { isWindowOpen } from './bids.service';
import { BID_ERRORS, bidError } from './bids.errors';
import { organisationError } from '../organisations/organisations.errors';
import { notFound } from '../common/common.errors';

@Injectable()
export class BidSubmissionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: BidStore,
    private readonly eligibility: BidEligibilityService,
    private readonly rounds: RoundStore,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly documents: DocumentStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deadlines: DeadlineExtensionStore,
  ) {}

  // Freezes a draft that passes every rule inside the window. Submitting a bid that is already
  // submitted answers it as it stands, so a retried request does no harm.
  submit(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    now = new Date(),
  ): Promise<BidDto> {
    return this.dataSource.transaction(async (manager) => {
      const bid = ownBidOrNotFound(user, await this.store.lock(manager, id));
      if (bid.status === 'withdrawn') {
        throw bidError('bid-withdrawn', {
          message: `Bid ${bid.reference} was withdrawn; start a new bid instead.`,
        });
      }
      if (bid.status !== 'draft') {
        return toBidDto(bid);
      }
      const round = await this.rounds.findPublished(manager, bid.roundId, 'share');
      if (!round) {
        throw notFound('Funding round');
      }
      // The organisation's own deadline: the round's, or later by a deadline extension.
      const closesAt = await this.deadlines.deadlineOf(manager, round, bid.organisationId);
      if (!isWindowOpen(round, closesAt, now)) {
        throw windowRefusal(round, closesAt, now, 'submit a bid');
      }
      // Who the organisation is now decides endorsement and the limit's scope.
      const organisation = await this.organisations.findWithArea(bid.organisationId, manager);
      if (!organisation?.active) {
        throw organisationError('organisation-inactive');
      }
      Object.assign(bid, {
        applicantType: organisation.type,
        forceAreaCode: organisation.forceAreaCode,
        needsEndorsement: organisation.type !== 'pcc' && organisation.forceAreaCode !== null,
      });
      let result = await this.eligibility.evaluate(manager, bid, round);
      // Two bids of one area submitted at once must not both take the last place.
      await this.store.lockScope(manager, round.id, result.scopeKey);
      result = await this.eligibility.evaluate(manager, bid, round);
      if (result.failures.length > 0) {
        throw bidError('bid-ineligible', {
          message: `Bid ${bid.reference} breaks ${result.failures.length} rule${result.failures.length === 1 ? '' : 's'} of round ${round.code}; each is listed in errors (field names the rule).`,
          errors: result.failures.map((failure) => ({
            field: failure.rule,
            message: failure.message,
          })),
        });
      }
      const digest = contentDigest(bid, await this.readyDocuments(manager, bid));
      await manager.update(
        Bid,
        { id },
        {
          status: 'submitted',
          submittedAt: now,
          submittedBy: user.id,
          submittedDigest: digest,
          applicantType: bid.applicantType,
          forceAreaCode: bid.forceAreaCode,
          needsEndorsement: bid.needsEndorsement,
        },
      );
      const saved = await this.store.load(manager, id);
      await this.audit.record(manager, actor, {
        command: 'bid.submit',
        objectType: 'bid',
        objectId: id,
        changes: {
          status: { before: 'draft', after: 'submitted' },
          submittedDigest: { before: null, after: digest },
        },
      });
      await this.queueSubmissionEmails(manager, saved, round, user);
      return toBidDto(saved);
    });
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
      if (!WITHDRAWABLE_STATUSES.includes(bid.status)) {
        throw bidError('bid-not-withdrawable', {
          message:
            bid.status === 'withdrawn'
              ? `Bid ${bid.reference} is already withdrawn.`
              : `Bid ${bid.reference} is ${bid.status}: a decision has been made, so it can no longer be withdrawn.`,
        });
      }
      await manager.update(
        Bid,
        { id },
        { status: 'withdrawn', withdrawnAt: now, withdrawalReason: reason, pccRank: null },
      );
      // The PCC's ranking closes up behind a withdrawn bid.
      if (bid.pccRank !== null) {
        await manager.query(
          `UPDATE bids SET pcc_rank = pcc_rank - 1
           WHERE round_id = $1 AND force_area_code = $2 AND pcc_rank > $3`,
          [bid.roundId, bid.forceAreaCode, bid.pccRank],
        );
      }
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

  // The SHA-256s of the bid's attached documents, all scanned clean (the rule shared with
  // returns); a document still waiting for its scan holds the submission back.
  private async readyDocuments(manager: EntityManager, bid: LoadedBid): Promise<string[]> {
    const attached = await this.documents.attached(manager, { type: 'bid', id: bid.id });
    return scannedCleanSha256s(
      attached,
      BID_ERRORS['bid-documents-not-ready'],
      `Bid ${bid.reference}`,
    );
  }

  private async queueSubmissionEmails(
    manager: EntityManager,
    bid: LoadedBid,
    round: { name: string; closesAt: Date },
    user: AuthenticatedUser,
  ): Promise<void> {
    const links = this.config.portal;
    const pcc =
      bid.needsEndorsement && bid.forceAreaCode
        ? await this.organisations.pccOfArea(bid.forceAreaCode, manager)
        : null;
    await this.outbox.queue(manager, submissionReceipt(bid, round, user, pcc?.name ?? null, links));
    if (pcc) {
      const contacts = await this.users.applicantContacts(pcc.id, manager);
      if (contacts.length > 0) {
        await this.outbox.queue(manager, endorsementRequest(bid, round, pcc, contacts, links));
      }
    }
  }
}
