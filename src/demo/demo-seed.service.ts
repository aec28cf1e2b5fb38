import { Inject, Injectable, Logger } from '@nestjs/common';
import { AssessmentOpeningService } from '../assessment/assessment-opening.service';
import { AssignmentsService } from '../assessment/assignments.service';
import { ScoringService } from '../assessment/scoring.service';
import { DecisionsService } from '../awards/decisions.service';
import { londonDateOf } from '../common/london-time';
import { DueDiligenceService } from '../awards/due-diligence.service';
import { OffersService } from '../awards/offers.service';
import { OutcomePublicationService } from '../awards/outcome-publication.service';
import type { AuditActor } from '../audit/audit.service';
import { BidEndorsementService } from '../bids/bid-endorsement.service';
import { BidDraftingService } from '../bids/bid-drafting.service';
import { BidSubmissionService } from '../bids/bid-submission.service';
import { BidsService } from '../bids/bids.service';
import type { AuthenticatedUser } from '../common/access';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OrganisationsService } from '../organisations/organisations.service';
import { PaymentsService } from '../returns/payments.service';
import { ReturnReviewService } from '../returns/return-review.service';
import { ReturnsService } from '../returns/returns.service';
import type { CreateRoundDto } from '../rounds/round.dto';
import { ROUND_COMMANDS, RoundCommand } from '../rounds/rounds.rules';
import { RoundDeliveryService } from '../rounds/round-delivery.service';
import { RoundsService } from '../rounds/rounds.service';
import { UsersService } from '../users/users.service';
import { SecondFactorEnrolmentService } from '../auth/second-factor/second-factor-enrolment.service';
import { secondFactorRequired } from '../auth/second-factor/second-factor.rules';
import { DEMO_SECOND_FACTOR_SECRET } from './demo-second-factor';
import { DEMO_ACCOUNTS, DEMO_ORGANISATIONS, POLICE_FORCE_AREAS } from './demo-organisations';
import {
  assessmentDemoRound,
  decidedDemoRound,
  DEMO_DELIVERY_ROUND_CODE,
  deliveryDemoRound,
  type DemoBid,
  demoBids,
  openDemoRound,
} from './demo-bids';
import { DEMO_ROUNDS } from './demo-rounds';
import { demoReturnContent } from './demo-returns';

const SEED_ACTOR: AuditActor = { id: null, label: 'demo seed' };
const LIFECYCLE = (Object.keys(ROUND_COMMANDS) as RoundCommand[]).filter(
  (command) => command !== 'record-historic',
);

// Loads the demo data through the same services the API uses, so every rule and audit row applies.
// Anything already present (by name, code or email) is left alone: running it twice changes nothing.
@Injectable()
export class DemoSeedService {
  private readonly logger = new Logger('DemoSeed');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
    private readonly rounds: RoundsService,
    private readonly delivery: RoundDeliveryService,
    private readonly drafting: BidDraftingService,
    private readonly submission: BidSubmissionService,
    private readonly endorsement: BidEndorsementService,
    private readonly opening: AssessmentOpeningService,
    private readonly assignments: AssignmentsService,
    private readonly scoring: ScoringService,
    private readonly dueDiligence: DueDiligenceService,
    private readonly decisions: DecisionsService,
    private readonly publication: OutcomePublicationService,
    private readonly offers: OffersService,
    private readonly bidsService: BidsService,
    private readonly returns: ReturnsService,
    private readonly review: ReturnReviewService,
    private readonly payments: PaymentsService,
    private readonly secondFactors: SecondFactorEnrolmentService,
  ) {}

  // The last part the seed adds; seeding again fills in whatever an older seed lacked.
  async isSeeded(): Promise<boolean> {
    return (await this.rounds.findIdByCode(DEMO_DELIVERY_ROUND_CODE)) !== null;
  }

  // The demo users (and the staff's second factor, which an older seed's staff lacked), made where
  // missing: also run on a start whose database is already seeded. Users that exist are left as
  // they are; what the start prints is read afterwards (DemoRoster).
  async ensureAccounts(): Promise<void> {
    if (this.config.production) {
      throw new Error('Refusing to load demo data in production (NODE_ENV=production).');
    }
    for (const account of DEMO_ACCOUNTS) {
      let userId = (await this.users.findByEmail(account.email))?.id;
      if (!userId) {
        const organisationId = account.organisation
          ? await this.organisations.findIdByName(account.organisation)
          : null;
        ({ id: userId } = await this.users.createWithPassword(
          SEED_ACTOR,
          {
            email: account.email,
            name: `Demo ${account.email.split('@')[0]}`,
            role: account.role,
            organisationId: organisationId ?? undefined,
          },
          this.config.demoPassword,
        ));
      }
      // Staff must have a second factor (an older seed's staff get it now); applicants stay without.
      if (secondFactorRequired(account.role)) {
        await this.secondFactors.enrolKnownSecret(SEED_ACTOR, userId, DEMO_SECOND_FACTOR_SECRET);
      }
    }
  }

  async seed(): Promise<void> {
    if (this.config.production) {
      throw new Error('Refusing to load demo data in production (NODE_ENV=production).');
    }
    await this.organisations.ensureForceAreas(POLICE_FORCE_AREAS);
    for (const organisation of DEMO_ORGANISATIONS) {
      if (!(await this.organisations.findIdByName(organisation.name))) {
        await this.organisations.create(SEED_ACTOR, organisation);
      }
    }
    await this.ensureAccounts();
    for (const { status, ...round } of DEMO_ROUNDS) {
      if (await this.rounds.findIdByCode(round.code)) {
        continue;
      }
      // Rounds that ran before the system: recorded straight into the records.
      const created = await this.rounds.create(SEED_ACTOR, { ...round, historic: true });
      if (status === 'closed_out') {
        await this.rounds.run(SEED_ACTOR, created.id, 'record-historic');
        continue;
      }
      // Walk the real lifecycle at the dates the round really passed through it.
      for (const command of LIFECYCLE.slice(
        0,
        LIFECYCLE.findIndex((c) => ROUND_COMMANDS[c].to === status) + 1,
      )) {
        const when = command === 'publish' ? new Date(round.opensAt) : new Date();
        await this.rounds.run(SEED_ACTOR, created.id, command, when);
      }
    }
    await this.seedOpenRound();
    await this.seedAssessmentRound();
    await this.seedDecidedRound();
    await this.seedDeliveryRound();
    this.logger.log(
      `Demo data ready: ${POLICE_FORCE_AREAS.length} force areas, ${DEMO_ORGANISATIONS.length} organisations, ${DEMO_ROUNDS.length + 4} rounds, ${DEMO_ACCOUNTS.length} users`,
    );
  }

  // A round open now, with the Northumbria area's bids: two submitted, one draft.
  private async seedOpenRound(now = new Date()): Promise<void> {
    const definition = openDemoRound(now);
    if (await this.rounds.findIdByCode(definition.code)) {
      return;
    }
    const round = await this.rounds.create(SEED_ACTOR, definition, now);
    await this.rounds.run(SEED_ACTOR, round.id, 'publish', now);
    for (const bid of demoBids(definition)) {
      await this.placeBid(round.id, bid, now);
    }
  }

  // A round in assessment: the PCC's bid and the council's (endorsed) were submitted two weeks
  // before it closed; both are assigned to the demo assessor, scores due in three weeks.
  private async seedAssessmentRound(now = new Date()): Promise<void> {
    await this.roundInAssessment(assessmentDemoRound(now), 21, now);
  }

  // The round created, bid for by the PCC and the council (endorsed) two weeks before it closed,
  // closed now and in assessment with both bids assigned to the demo assessor; null when a
  // round of that code exists already.
  private async roundInAssessment(definition: CreateRoundDto, scoresDueInDays: number, now: Date) {
    if (await this.rounds.findIdByCode(definition.code)) {
      return null;
    }
    // Created as at its opening, like the rest of its story.
    const round = await this.rounds.create(SEED_ACTOR, definition, new Date(definition.opensAt));
    const bidding = new Date(Date.parse(definition.closesAt) - 14 * 86_400_000);
    await this.rounds.run(SEED_ACTOR, round.id, 'publish', new Date(definition.opensAt));
    const pcc = await this.signedIn('applicant@demo.test');
    const bids = demoBids(definition).filter((demo) => demo.submit);
    const ids: string[] = [];
    for (const bid of bids) {
      const id = await this.placeBid(round.id, bid, bidding);
      if (bid.bidderEmail !== pcc.user.email) {
        await this.endorsement.decide(pcc.actor, pcc.user, id, 'endorsed', null, bidding);
      }
      ids.push(id);
    }
    await this.rounds.run(SEED_ACTOR, round.id, 'close', now);
    const dueAt = new Date(now.getTime() + scoresDueInDays * 86_400_000);
    await this.opening.start(SEED_ACTOR, round.id, dueAt, now);
    const moderator = await this.signedIn('moderator@demo.test');
    const assessor = await this.signedIn('assessor@demo.test');
    const { assignments } = await this.assignments.autoAssign(
      moderator.actor,
      moderator.user,
      round.id,
      [assessor.user.id],
    );
    return { round, bids, ids, assignments, assessor };
  }

  // A round taken through assessment and decisions to published outcomes: the PCC's bid is
  // offered everything it asked for (applicant@demo.test can read the letter and accept), the
  // council's is rejected with feedback.
  private async seedDecidedRound(now = new Date()): Promise<void> {
    await this.decidedRound(decidedDemoRound(now), now);
  }

  // A round delivered in 2025/26, its award accepted and the round in delivery: Q1's return
  // approved and paid, Q2's sent and waiting for finance, Q3's a draft, Q4's not started (and
  // both overdue).
  private async seedDeliveryRound(now = new Date()): Promise<void> {
    const played = await this.decidedRound(deliveryDemoRound(now), now);
    if (!played) {
      return;
    }
    const pcc = await this.signedIn('applicant@demo.test');
    const finance = await this.signedIn('finance@demo.test');
    const payments = await this.signedIn('payments@demo.test');
    const award = await this.offers.accept(
      pcc.actor,
      pcc.user,
      played.awardId,
      { signatoryName: 'Susan Dungworth', signatoryPosition: 'Police and Crime Commissioner' },
      now,
    );
    await this.delivery.startDelivery(SEED_ACTOR, played.roundId, {}, now);
    const { interventions } = await this.bidsService.get(pcc.user, played.bidId);
    for (const quarter of [1, 2, 3] as const) {
      const id = award.returns[quarter - 1].id;
      const { version } = await this.returns.get(pcc.user, id, now);
      const content = demoReturnContent(quarter, interventions);
      await this.returns.save(pcc.actor, pcc.user, id, version, content, now);
      if (quarter < 3) {
        await this.returns.submit(pcc.actor, pcc.user, id, undefined, now);
      }
      if (quarter === 1) {
        const reviewed = await this.review.approve(finance.actor, finance.user, id, {}, now);
        await this.payments.record(
          payments.actor,
          payments.user,
          reviewed.payment?.id as string,
          { paidOn: londonDateOf(now), reference: 'DEMO-BACS-0001' },
          now,
        );
      }
    }
  }

  // The round of `definition` taken through assessment to published outcomes, the first bid
  // awarded and the second rejected; the round, the award and its bid, or null when the round
  // exists already.
  private async decidedRound(
    definition: CreateRoundDto,
    now: Date,
  ): Promise<{ roundId: string; awardId: string; bidId: string } | null> {
    const played = await this.roundInAssessment(definition, 7, now);
    if (!played) {
      return null;
    }
    const { round, bids, ids, assignments, assessor } = played;
    const marks = round.criteria.map((criterion) => ({
      criterionId: criterion.id,
      mark: criterion.maxMark - 1,
      justification: 'Clear local evidence and a costed delivery plan.',
    }));
    for (const { id } of assignments) {
      await this.assignments.declare(assessor.actor, assessor.user, id, { conflict: false }, now);
      await this.scoring.saveMarks(assessor.actor, assessor.user, id, { marks });
      await this.scoring.submit(assessor.actor, assessor.user, id, now);
    }
    const finance = await this.signedIn('finance@demo.test');
    const approver = await this.signedIn('approver@demo.test');
    const today = londonDateOf(now);
    let awardId = '';
    for (const [index, bid] of bids.entries()) {
      const organisationId = await this.organisations.findIdByName(bid.organisation);
      await this.dueDiligence.record(finance.actor, finance.user, organisationId as string, {
        rating: 'green',
        checkedOn: today,
        notes: 'Demo: Companies House, Charity Commission and credit records checked.',
      });
      const decision = await this.decisions.decide(
        approver.actor,
        approver.user,
        ids[index],
        index === 0
          ? {
              outcome: 'award',
              lines: bid.content.costLines ?? [],
              conditions: [
                'Alley gates are installed only with the consent of the residents served',
              ],
            }
          : {
              outcome: 'reject',
              reason: 'Below the funding line once the budget was allocated.',
              feedback: 'A strong problem profile; the evaluation plan needed a comparison area.',
            },
        now,
      );
      awardId ||= decision.id;
    }
    await this.publication.publish(SEED_ACTOR, round.id, now);
    return { roundId: round.id, awardId, bidId: ids[0] };
  }

  // The bid drafted by its demo bidder at `when`, and submitted if the demo says so.
  private async placeBid(roundId: string, bid: DemoBid, when: Date): Promise<string> {
    const { actor, user } = await this.signedIn(bid.bidderEmail);
    const draft = await this.drafting.create(
      actor,
      user,
      { ...bid.content, roundId },
      undefined,
      when,
    );
    if (bid.submit) {
      await this.submission.submit(actor, user, draft.id, when);
    }
    return draft.id;
  }

  private async signedIn(email: string): Promise<{ actor: AuditActor; user: AuthenticatedUser }> {
    const found = await this.users.findByEmail(email);
    if (!found) {
      throw new Error(`Demo user ${email} is missing`);
    }
    const { id, name, role, organisationId } = found;
    return {
      actor: { id, label: `${email} (demo seed)` },
      user: { id, email, name, role, organisationId, sessionId: null },
    };
  }
}
