import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ReminderRegistry } from '../notifications/reminder-registry';

// Invited users who have not accepted yet, some days after their invitation was sent and while it
// still works: once per invitation (a re-sent invitation may be reminded about again).
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
        SELECT 'account-link:' || l.id || ':reminder' AS dedupe_key,
               ARRAY[u.email] AS recipients,
               jsonb_build_object('name', u.name, 'email', u.email, 'invitedAt', l.created_at,
                                  'expiresAt', l.expires_at, 'linkId', l.id) AS data,
               'user' AS object_type,
               u.id::text AS object_id
        FROM account_links l
        JOIN users u ON u.id = l.user_id
        WHERE l.purpose = 'invitation' AND l.used_at IS NULL AND l.voided_at IS NULL
          AND l.expires_at > $1::timestamptz
          AND l.created_at <= $1::timestamptz - make_interval(days => $2::int)
          AND u.active AND u.password_hash IS NULL`,
      params: [this.config.reminders.accountSetupDays],
    });
  }
}
