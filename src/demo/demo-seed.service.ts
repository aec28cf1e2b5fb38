import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuditActor } from '../audit/audit.service';
import { BidDraftingService } from '../bids/bid-drafting.service';
import { BidSubmissionService } from '../bids/bid-submission.service';
import { AuthenticatedUser, Role, ROLES } from '../common/access';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OrganisationsService } from '../organisations/organisations.service';
import { ROUND_COMMANDS, RoundCommand } from '../rounds/rounds.rules';
import { RoundsService } from '../rounds/rounds.service';
import { UsersService } from '../users/users.service';
import {
  DEMO_APPLICANT_ORGANISATION,
  DEMO_EXTRA_APPLICANTS,
  DEMO_ORGANISATIONS,
  POLICE_FORCE_AREAS,
} from './demo-organisations';
import { DEMO_OPEN_ROUND_CODE, demoBids, openDemoRound } from './demo-bids';
import { DEMO_ROUNDS } from './demo-rounds';

const SEED_ACTOR: AuditActor = { id: null, label: 'demo seed' };
const LIFECYCLE = Object.keys(ROUND_COMMANDS) as RoundCommand[];

export interface DemoCredentials {
  email: string;
  role: string;
  password: string;
}

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
    private readonly drafting: BidDraftingService,
    private readonly submission: BidSubmissionService,
  ) {}

  // The last part the seed adds; seeding again fills in whatever an older seed lacked.
  async isSeeded(): Promise<boolean> {
    return (await this.rounds.findIdByCode(DEMO_OPEN_ROUND_CODE)) !== null;
  }

  async seed(): Promise<DemoCredentials[]> {
    if (this.config.production) {
      throw new Error('Refusing to load demo data in production (NODE_ENV=production).');
    }
    await this.organisations.ensureForceAreas(POLICE_FORCE_AREAS);
    for (const organisation of DEMO_ORGANISATIONS) {
      if (!(await this.organisations.findIdByName(organisation.name))) {
        await this.organisations.create(SEED_ACTOR, organisation);
      }
    }
    const credentials: DemoCredentials[] = [];
    const accounts: { email: string; role: Role; organisation?: string }[] = [
      ...ROLES.map((role) => ({
        email: `${role}@demo.test`,
        role,
        organisation: role === 'applicant' ? DEMO_APPLICANT_ORGANISATION : undefined,
      })),
      ...DEMO_EXTRA_APPLICANTS.map((account) => ({ ...account, role: 'applicant' as const })),
    ];
    for (const account of accounts) {
      if (!(await this.users.findByEmail(account.email))) {
        const organisationId = account.organisation
          ? await this.organisations.findIdByName(account.organisation)
          : null;
        await this.users.create(SEED_ACTOR, {
          email: account.email,
          name: `Demo ${account.email.split('@')[0]}`,
          role: account.role,
          password: this.config.demoPassword,
          organisationId: organisationId ?? undefined,
        });
      }
      credentials.push({
        email: account.email,
        role: account.organisation ? `${account.role} (${account.organisation})` : account.role,
        password: this.config.demoPassword,
      });
    }
    for (const { status, ...round } of DEMO_ROUNDS) {
      if (await this.rounds.findIdByCode(round.code)) {
        continue;
      }
      const created = await this.rounds.create(SEED_ACTOR, round);
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
    this.logger.log(
      `Demo data ready: ${POLICE_FORCE_AREAS.length} force areas, ${DEMO_ORGANISATIONS.length} organisations, ${DEMO_ROUNDS.length + 1} rounds, ${accounts.length} users`,
    );
    return credentials;
  }

  // A round open now, with the Northumbria area's bids: two submitted, one draft.
  private async seedOpenRound(now = new Date()): Promise<void> {
    const definition = openDemoRound(now);
    if (await this.rounds.findIdByCode(definition.code)) {
      return;
    }
    const round = await this.rounds.create(SEED_ACTOR, definition);
    await this.rounds.run(SEED_ACTOR, round.id, 'publish', now);
    for (const bid of demoBids(definition)) {
      const user = await this.users.findByEmail(bid.bidderEmail);
      if (!user) {
        throw new Error(`Demo bidder ${bid.bidderEmail} is missing`);
      }
      const bidder: AuthenticatedUser = {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        organisationId: user.organisationId,
      };
      const actor = { id: user.id, label: `${user.email} (demo seed)` };
      const draft = await this.drafting.create(
        actor,
        bidder,
        { ...bid.content, roundId: round.id },
        undefined,
        now,
      );
      if (bid.submit) {
        await this.submission.submit(actor, bidder, draft.id, now);
      }
    }
  }
}
