import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Role } from '../common/access';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { EmailMessage } from '../notifications/outbox.service';
import { ReminderRegistry } from '../notifications/reminder-registry';
import type { User } from './user.entity';

const ROLE_DESCRIPTIONS: Record<Role, string> = {
  applicant:
    'an applicant: you can draft and submit bids and delivery returns for your organisation',
  assessor: 'an assessor: you can score the bids assigned to you',
  moderator: 'a moderator: you can assign assessors, moderate scores and rank bids',
  approver: 'an approver: you can record award decisions',
  finance: 'a member of the finance team: you can review returns, record payments and export spend',
  admin: 'a programme administrator: you can manage rounds, organisations and users',
};

export function accountCreatedEmail(
  user: User,
  organisationName: string | null,
  signInUrl: string,
): EmailMessage {
  return {
    template: 'account-created',
    to: user.email,
    dedupeKey: `user:${user.id}:account-created`,
    about: { type: 'user', id: user.id },
    data: {
      name: user.name,
      email: user.email,
      roleDescription: ROLE_DESCRIPTIONS[user.role],
      organisationName,
      signInUrl,
    },
  };
}

// Active users who have never signed in, some days after their account was made: once each.
@Injectable()
export class AccountSetupReminder implements OnModuleInit {
  constructor(
    private readonly registry: ReminderRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'account-setup',
      template: 'account-setup-reminder',
      select: `
        SELECT 'user:' || u.id || ':account-setup-reminder' AS dedupe_key,
               ARRAY[u.email] AS recipients,
               jsonb_build_object('name', u.name, 'email', u.email, 'createdAt', u.created_at,
                                  'signInUrl', $2::text) AS data,
               'user' AS object_type,
               u.id::text AS object_id
        FROM users u
        WHERE u.active AND u.last_login_at IS NULL
          AND u.created_at <= $1::timestamptz - make_interval(days => $3::int)`,
      params: [this.config.mail.publicBaseUrl, this.config.reminders.accountSetupDays],
    });
  }
}
