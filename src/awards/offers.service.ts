import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { BidProgressService } from '../bids/bid-progress.service';
import type { AuthenticatedUser } from '../common/access';
import { formatLondonZoned, londonDateOf } from '../common/london-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MAX_RECIPIENTS } from '../notifications/email-outbox.entity';
import { OutboxService } from '../notifications/outbox.service';
import { ReturnScheduleStore } from '../returns/return-schedule-store';
import { RoundStore } from '../rounds/round-store';
import { UsersService } from '../users/users.service';
import { acceptedEmail, closedEmails, type ClosedStatus } from './award-emails';
import type { AwardDecision, DecisionStatus } from './award.entity';
import { offerLapsed } from './award.rules';
import { AwardStore } from './award-store';
import { AwardViews } from './award-views';
import type { AcceptOfferDto, AwardDto, CloseAwardDto, OutcomeDto } from './offer.dto';
import { awardError } from './awards.errors';
import { roundError } from '../rounds/rounds.errors';
import { commonError, notFound } from '../common/common.errors';

// Awards the programme can still withdraw: every one not yet declined, withdrawn or finished.
const WITHDRAWABLE: DecisionStatus[] = ['offered', 'accepted', 'active'];

// The recipient's side of an award: reading the outcome and the offer letter, accepting (which
// makes the award active and schedules its quarterly returns) or declining before the offer
// lapses; and the programme withdrawing an award. Declined and withdrawn awards hold no money.
@Injectable()
export class OffersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly views: AwardViews,
    private readonly store: AwardStore,
    private readonly bids: BidProgressService,
    private readonly rounds: RoundStore,
    private readonly users: UsersService,
    private readonly returns: ReturnScheduleStore,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  outcome(user: AuthenticatedUser, bidId: string): Promise<OutcomeDto> {
    return this.views.outcome(this.dataSource.manager, user, bidId);
  }

  get(user: AuthenticatedUser, id: string): Promise<AwardDto> {
    return this.views.read(user, id);
  }

  letter(user: AuthenticatedUser, id: string): Promise<{ filename: string; html: string }> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) =>
      this.views.letter(manager, await this.views.visibleAward(manager, user, id)),
    );
  }

  accept(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    input: AcceptOfferDto,
    now = new Date(),
    expectedVersion?: number,
  ): Promise<AwardDto> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.openOffer(manager, user, id, 'accepted', now, expectedVersion);
      const round = await this.rounds.findPublished(manager, row.roundId, null);
      if (!round) {
        throw notFound('Award');
      }
      if (round.status !== 'decided' && round.status !== 'delivery') {
        throw roundError('round-closed-out', {
          message: `Round ${round.code} is ${round.status.replace('_', ' ')}; offers can no longer be accepted.`,
        });
      }
      const accepted = {
        status: 'active' as const,
        acceptedAt: now,
        acceptedBy: user.id,
        signatoryName: input.signatoryName,
        signatoryPosition: input.signatoryPosition,
      };
      await this.store.update(manager, id, accepted);
      Object.assign(row, accepted);
      const schedule = await this.returns.schedule(manager, row, round, londonDateOf(now));
      await this.audit.record(manager, actor, {
        command: 'award.accept',
        objectType: 'award_decision',
        objectId: id,
        changes: {
          status: { before: 'offered', after: 'active' },
          signatory: { before: null, after: `${input.signatoryName}, ${input.signatoryPosition}` },
          returnsScheduled: { before: 0, after: schedule.length },
        },
      });
      const bid = await this.bids.find(manager, row.bidId);
      const contacts = await this.users.applicantContacts(row.organisationId, manager);
      if (contacts.length > 0) {
        await this.outbox.queue(
          manager,
          acceptedEmail(
            row,
            { reference: bid.reference, title: bid.title, organisationName: bid.organisationName },
            schedule,
            contacts.map((contact) => contact.email),
            this.config.portal,
          ),
        );
      }
      return this.views.award(manager, row, now);
    });
  }

  decline(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    input: CloseAwardDto,
    now = new Date(),
    expectedVersion?: number,
  ): Promise<AwardDto> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.openOffer(manager, user, id, 'declined', now, expectedVersion);
      return this.close(manager, actor, user.id, row, 'declined', input.reason, now);
    });
  }

  // The programme takes back an award (a lapsed offer, a breach of its terms): its money goes
  // back to the round, and the returns it no longer owes are cancelled.
  withdraw(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    input: CloseAwardDto,
    now = new Date(),
  ): Promise<AwardDto> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.views.visibleAward(manager, user, id, true);
      if (!row.publishedAt || !WITHDRAWABLE.includes(row.status)) {
        throw awardError('award-not-withdrawable', {
          message: row.publishedAt
            ? `This award is ${row.status}; only an offered or active award can be withdrawn.`
            : 'This award is not published yet; an approver changes it through the decision instead.',
        });
      }
      return this.close(manager, actor, user.id, row, 'withdrawn', input.reason, now);
    });
  }

  // The daily lapse job's withdrawal of one offer past its deadline, as the programme's
  // withdrawal above. The row is locked and checked again: an offer accepted or declined a
  // moment before (or lapsed by another run) is left as it is. True when it was withdrawn.
  lapse(actor: AuditActor, id: string, now = new Date()): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.store.lockIfLapsed(manager, id, now);
      if (!row) {
        return false;
      }
      const reason = `The offer lapsed: it was not accepted by ${formatLondonZoned(row.offerExpiresAt ?? now)}.`;
      await this.close(manager, actor, null, row, 'withdrawn', reason, now);
      return true;
    });
  }

  // A published offer still open to the recipient: not yet accepted or declined, not lapsed.
  // With `expectedVersion` (If-Match) an award changed since the recipient read it is refused
  // first (412), whatever it has become, so that what they answer is what they read.
  private async openOffer(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
    verb: 'accepted' | 'declined',
    now: Date,
    expectedVersion?: number,
  ): Promise<AwardDecision> {
    const row = await this.views.visibleAward(manager, user, id, true);
    if (expectedVersion !== undefined && row.version !== expectedVersion) {
      throw commonError('version-mismatch', {
        message: `The award has changed since you read it (now version ${row.version}); read it again before answering the offer.`,
      });
    }
    if (row.status !== 'offered' || !row.offerExpiresAt) {
      throw awardError('offer-not-open', {
        message: `This award is ${row.status.replace(/_/g, ' ')}; only an open offer can be ${verb}.`,
      });
    }
    if (offerLapsed(row, now)) {
      throw awardError('offer-expired', {
        message: `The offer lapsed at ${formatLondonZoned(row.offerExpiresAt)}, so it can no longer be ${verb}. Contact the programme team.`,
      });
    }
    return row;
  }

  private async close(
    manager: EntityManager,
    actor: AuditActor,
    closedBy: string | null,
    row: AwardDecision,
    status: ClosedStatus,
    reason: string,
    now: Date,
  ): Promise<AwardDto> {
    const before = row.status;
    const closed = { status, closedAt: now, closedBy, closeReason: reason };
    await this.store.update(manager, row.id, closed);
    const cancelled = await this.returns.cancelOutstanding(manager, row.id);
    await this.audit.record(manager, actor, {
      command: status === 'declined' ? 'award.decline' : 'award.withdraw',
      objectType: 'award_decision',
      objectId: row.id,
      changes: {
        status: { before, after: status },
        closeReason: { before: null, after: reason },
        releasedPence: { before: 0, after: row.amountPence },
        ...(cancelled > 0 ? { returnsCancelled: { before: 0, after: cancelled } } : {}),
      },
    });
    const bid = await this.bids.find(manager, row.bidId);
    const contacts = await this.users.applicantContacts(row.organisationId, manager);
    const team = status === 'declined' ? await this.users.activeStaff('admin', manager) : [];
    const messages = closedEmails(
      row,
      status,
      { reference: bid.reference, title: bid.title, organisationName: bid.organisationName },
      reason,
      {
        bidder: contacts.map((c) => c.email),
        team: team.slice(0, MAX_RECIPIENTS).map((u) => u.email),
      },
      this.config.portal,
    );
    for (const message of messages) {
      await this.outbox.queue(manager, message);
    }
    return this.views.award(manager, Object.assign(row, closed), now);
  }
}
