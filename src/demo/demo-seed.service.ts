import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuditActor } from '../audit/audit.service';
import { ROLES } from '../common/access';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OrganisationsService } from '../organisations/organisations.service';
import { ROUND_COMMANDS, RoundCommand } from '../rounds/rounds.rules';
import { RoundsService } from '../rounds/rounds.service';
import { UsersService } from '../users/users.service';
import {
  DEMO_APPLICANT_ORGANISATION,
  DEMO_ORGANISATIONS,
  POLICE_FORCE_AREAS,
} from './demo-organisations';
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
  ) {}

  async isSeeded(): Promise<boolean> {
    return (await this.users.findByEmail('admin@demo.test')) !== null;
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
    const applicantOrganisationId = await this.organisations.findIdByName(
      DEMO_APPLICANT_ORGANISATION,
    );
    const credentials: DemoCredentials[] = [];
    for (const role of ROLES) {
      const email = `${role}@demo.test`;
      if (!(await this.users.findByEmail(email))) {
        const name = `Demo ${role}`;
        await this.users.create(SEED_ACTOR, {
          email,
          name,
          role,
          password: this.config.demoPassword,
          organisationId: role === 'applicant' ? (applicantOrganisationId ?? undefined) : undefined,
        });
      }
      credentials.push({ email, role, password: this.config.demoPassword });
    }
    this.logger.log(
      `Demo data ready: ${POLICE_FORCE_AREAS.length} force areas, ${DEMO_ORGANISATIONS.length} organisations, ${DEMO_ROUNDS.length} rounds, ${ROLES.length} users`,
    );
    return credentials;
  }
}
