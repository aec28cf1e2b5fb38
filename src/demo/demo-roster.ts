import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OrganisationsService } from '../organisations/organisations.service';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { DEMO_ACCOUNTS } from './demo-organisations';

// A demo account as the database holds it now, which is what the start prints: on a database
// seeded earlier and used since, roles, organisations, passwords and accounts may have changed.
export interface DemoAccountNow {
  email: string;
  // Null when the account is gone.
  role: string | null;
  organisation: string | null;
  active: boolean;
  // The demo password while it still signs the user in; null once changed (or never set).
  password: string | null;
  secondFactor: boolean;
}

@Injectable()
export class DemoRoster {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly organisations: OrganisationsService,
    private readonly hasher: PasswordHasher,
  ) {}

  async now(): Promise<DemoAccountNow[]> {
    const roster: DemoAccountNow[] = [];
    for (const { email } of DEMO_ACCOUNTS) {
      const user = await this.users.findForLogin(email);
      const demoPassword =
        !!user?.passwordHash &&
        (await this.hasher.verify(user.passwordHash, this.config.demoPassword));
      roster.push({
        email,
        role: user?.role ?? null,
        organisation: user?.organisationId
          ? await this.organisations.nameOf(user.organisationId, this.dataSource.manager)
          : null,
        active: user?.active ?? false,
        password: demoPassword ? this.config.demoPassword : null,
        secondFactor: !!user?.secondFactorEnrolledAt,
      });
    }
    return roster;
  }
}

// One line of the start's list: email, password, role (organisation), * for a second factor.
export function rosterLine(account: DemoAccountNow): string {
  if (account.role === null) {
    return `  ${account.email.padEnd(22)} (no longer exists)`;
  }
  const password = account.password ?? '(password changed)';
  const role = account.organisation ? `${account.role} (${account.organisation})` : account.role;
  const standing = account.active ? '' : ' - deactivated, cannot sign in';
  return `  ${account.email.padEnd(22)} ${password}  ${role}${account.secondFactor ? ' *' : ''}${standing}`;
}
