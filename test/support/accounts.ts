import { DataSource } from 'typeorm';
import { accountLinkKey, accountLinkToken } from '../../src/users/account-link-tokens';
import type { TestApp } from './app';
import { uniqueSuffix } from './factories';

type Headers = { authorization: string };

export interface Account {
  id: string;
  email: string;
  // The password the user chose when accepting their invitation.
  password: string;
}

// The token in the link of the latest email of this template about the user, made as the worker
// makes it when rendering: from the link id the outbox row holds and the server's key.
export async function emailedLinkToken(
  t: Pick<TestApp, 'app' | 'config'>,
  userId: string,
  template:
    'account-invitation' | 'password-reset' | 'account-setup-reminder' = 'account-invitation',
): Promise<string> {
  const rows = await t.app.get(DataSource).query<{ linkId: string }[]>(
    `SELECT data->>'linkId' AS "linkId" FROM email_outbox
     WHERE object_type = 'user' AND object_id = $1 AND template = $2
     ORDER BY created_at DESC, id LIMIT 1`,
    [userId, template],
  );
  if (!rows[0]?.linkId) {
    throw new Error(`No ${template} email with a link was queued for user ${userId}.`);
  }
  return accountLinkToken(accountLinkKey(t.config.jwtSecret), rows[0].linkId);
}

// A user the admin creates through POST /users, who then accepts the emailed invitation with a
// password of their own, as a real user would: through the API alone.
export async function createAccount(
  t: TestApp,
  admin: Headers,
  body: Record<string, unknown>,
): Promise<Account> {
  const created = await t.http().post('/api/v1/users').set(admin).send(body).expect(201);
  const id = (created.body as { id: string }).id;
  const password = `Chosen-Password-${uniqueSuffix()}`;
  const token = await emailedLinkToken(t, id);
  await t.http().post('/api/v1/auth/invitations/accept').send({ token, password }).expect(200);
  return { id, email: (created.body as { email: string }).email, password };
}
