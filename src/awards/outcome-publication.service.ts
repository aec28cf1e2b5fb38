import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { BidProgressService } from '../bids/bid-progress.service';
import { addDays, endOfLondonDay, londonDateOf } from '../common/london-time';
import { formatPounds } from '../common/money';
import type { FieldError } from '../common/problem';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OutboxService } from '../notifications/outbox.service';
import { RoundsService } from '../rounds/rounds.service';
import { RoundStore } from '../rounds/round-store';
import { UsersService } from '../users/users.service';
import { outcomeEmail } from './award-emails';
import { lockRoundForDecisions } from './decision-round';
import type { PublicationDto } from './offer.dto';
import type { AwardDecision } from './award.entity';
import { AwardStore } from './award-store';
import { awardError } from './awards.errors';

// Publishing a round's outcomes: every decided bid becomes awarded or unsuccessful, its bidder
// is emailed, the round moves to `decided`, and only then can bidders read what was decided.
@Injectable()
export class OutcomePublicationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rounds: RoundsService,
    private readonly roundStore: RoundStore,
    private readonly store: AwardStore,
    private readonly bids: BidProgressService,
    private readonly users: UsersService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  publish(actor: AuditActor, roundId: string, now = new Date()): Promise<PublicationDto> {
    return this.dataSource.transaction(async (manager) => {
      // The round first, as every decision does, then its bids: nothing is decided, confirmed
      // or withdrawn while the outcomes go out.
      const round = await lockRoundForDecisions(this.roundStore, manager, roundId);
      const bids = await this.bids.list(
        manager,
        roundId,
        ['submitted', 'in_assessment', 'moderated'],
        true,
      );
      const decisions = await this.store.standingOfRound(manager, roundId);
      const byBid = new Map(decisions.map((decision) => [decision.bidId, decision]));
      const problems: FieldError[] = [];
      for (const bid of bids) {
        const decision = byBid.get(bid.id);
        const problem =
          bid.status !== 'moderated'
            ? 'is still waiting for its final score'
            : !decision
              ? 'has no decision yet: award or reject it'
              : decision.status === 'pending_second_approval'
                ? `has an award of ${formatPounds(decision.amountPence)} waiting for a second approver`
                : null;
        if (problem) {
          problems.push({ field: bid.reference, message: `${bid.reference} ${problem}` });
        }
      }
      if (problems.length > 0) {
        throw awardError('outcomes-not-ready', {
          message: `Round ${round.code} cannot publish its outcomes: ${problems.length} bid(s) are not finally decided; see errors. Nothing was published.`,
          errors: problems,
        });
      }

      const offerExpiresAt = endOfLondonDay(addDays(londonDateOf(now), round.offerAcceptanceDays));
      // Every bid still in the competition now has its decision (withdrawn bids' awards were
      // released and are not told anything).
      const published = bids.map((bid) => byBid.get(bid.id) as AwardDecision);
      const lines = await this.store.linesOf(
        manager,
        published.map((decision) => decision.id),
      );
      const unreachable: string[] = [];
      for (const [index, bid] of bids.entries()) {
        const decision = published[index];
        const offered = decision.outcome === 'award';
        Object.assign(decision, {
          publishedAt: now,
          offerExpiresAt: offered ? offerExpiresAt : null,
        });
        await this.store.update(manager, decision.id, {
          publishedAt: now,
          offerExpiresAt: decision.offerExpiresAt,
        });
        await this.bids.settle(manager, actor, bid.id, offered ? 'awarded' : 'unsuccessful');
        await this.audit.record(manager, actor, {
          command: 'decision.publish',
          objectType: 'award_decision',
          objectId: decision.id,
          changes: {
            publishedAt: { before: null, after: now },
            offerExpiresAt: { before: null, after: decision.offerExpiresAt },
          },
        });
        const contacts = await this.users.applicantContacts(bid.organisationId, manager);
        if (contacts.length === 0) {
          unreachable.push(bid.reference);
          continue;
        }
        await this.outbox.queue(
          manager,
          outcomeEmail(
            decision,
            lines.filter((line) => line.decisionId === decision.id),
            { ...bid, roundName: round.name },
            contacts.map((contact) => contact.email),
            this.config.portal,
          ),
        );
      }
      const roundDto = await this.rounds.runIn(manager, actor, roundId, 'publish-outcomes', now);
      return {
        round: roundDto,
        awarded: published.filter((decision) => decision.outcome === 'award').length,
        unsuccessful: published.filter((decision) => decision.outcome === 'reject').length,
        offerExpiresAt: published.some((decision) => decision.outcome === 'award')
          ? offerExpiresAt
          : null,
        unreachable,
      };
    });
  }
}
