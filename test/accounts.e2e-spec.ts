import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Role } from '../src/common/access';
import { loadConfig } from '../src/config/load-config';
import { ReminderScanService } from '../src/notifications/reminder-scan.service';
import { accountLinkKey, accountLinkToken } from '../src/users/account-link-tokens';
import {
  expectProblem,
  login,
  startApp,
  startWorker,
  TestApp,
  testConfig,
  tokensByRole,
} from './support/app';
import { createAccount } from './support/accounts';
import { uniqueSuffix, validStaffUser } from './support/factories';
import { DeliveredMail, eventually, TestSmtpServer } from './support/smtp';

const DAY = 86_400_000;
const INVITED = 'You are invited to the Safer Streets grants service';
const RESET = 'Reset your Safer Streets grants password';
const CHANGED = 'Your Safer Streets grants password was changed';
const REMINDER = 'Reminder: set up your Safer Streets grants account';

// Issue 20, items 1, 2 and 7: invitations, password change and reset, each driven through the
// API, with the emails read where a person would read them, at a real SMTP server.
describe('accounts people manage themselves', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let worker: INestApplicationContext;
  let tokens: Record<Role, string>;
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  // Behind one trusted proxy: each test sends from addresses of its own.
  const config = {
    trustProxy: loadConfig({ ...process.env, TRUST_PROXY: '127.0.0.1' }).trustProxy,
    login: { perEmailLimit: 3, perAddressLimit: 1000, windowSeconds: 60, maxWaitSeconds: 900 },
    accounts: { ...testConfig().accounts, resetPerEmailLimit: 3, resetPerAddressLimit: 6 },
  };
  let addresses = 0;
  const newAddress = () => `198.51.100.${++addresses}`;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await startApp({ ...config, processRole: 'api' });
    tokens = await tokensByRole(t);
    worker = await startWorker({ ...config, mail: { ...testConfig().mail, smtpUrl: smtp.url } });
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
    await smtp.close();
  });

  const db = () => t.app.get(DataSource);
  const invite = async (overrides: Record<string, unknown> = {}) => {
    const body = validStaffUser(overrides);
    const response = await t.http().post('/api/v1/users').set(as('admin')).send(body).expect(201);
    return response.body as { id: string; email: string; status: string };
  };
  const mailsTo = (email: string, subject: string) =>
    smtp.to(email).filter((mail) => mail.subject === subject);
  const awaitMails = (email: string, subject: string, count = 1) =>
    eventually(() => {
      const mails = mailsTo(email, subject);
      expect(mails).toHaveLength(count);
      return mails;
    });
  // The token in the link of a delivered email, and the link's page.
  const linkIn = (mail: DeliveredMail, page: string): string => {
    const match = new RegExp(`(\\S+)${page}\\?token=(\\S+)`).exec(mail.text);
    if (!match) {
      throw new Error(`No ${page} link in "${mail.subject}":\n${mail.text}`);
    }
    expect(match[1]).toBe(t.config.mail.publicBaseUrl);
    return decodeURIComponent(match[2]);
  };
  const accept = (token: string, password: string) =>
    t.http().post('/api/v1/auth/invitations/accept').send({ token, password });
  const requestReset = (email: string, address: string) =>
    t.http().post('/api/v1/auth/password-reset').set('x-forwarded-for', address).send({ email });
  const completeReset = (token: string, password: string) =>
    t.http().post('/api/v1/auth/password-reset/complete').send({ token, password });
  const changePassword = (token: string, body: object, address: string) =>
    t
      .http()
      .post('/api/v1/me/password')
      .set(bearer(token))
      .set('x-forwarded-for', address)
      .send(body);
  const loginFrom = (email: string, password: string, address = newAddress()) =>
    t.http().post('/api/v1/auth/login').set('x-forwarded-for', address).send({ email, password });
  const statusOf = async (id: string) =>
    (await t.http().get(`/api/v1/users/${id}`).set(as('admin')).expect(200)).body.status as string;
  const auditOf = async (id: string) =>
    (
      await t
        .http()
        .get(`/api/v1/audit-events?objectType=user&objectId=${id}&limit=100`)
        .set(as('admin'))
        .expect(200)
    ).body.items as { command: string; actorLabel: string; changes: object }[];
  const password = () => `Chosen-Password-${uniqueSuffix()}`;

  describe('invitations', () => {
    it('takes a new user from the invitation email to a signed-in session through the API alone', async () => {
      const user = await invite({ role: 'finance' });
      expect(user.status).toBe('invited');
      // Invited, not yet able to sign in: the answer a wrong password gets.
      const early = await loginFrom(user.email, 'anything-at-all-really').expect(401);
      expectProblem(early.body, 401, 'invalid-credentials');
      const decoy = await loginFrom(user.email, 'decoy-password-never-matches').expect(401);
      expectProblem(decoy.body, 401, 'invalid-credentials');

      const [mail] = await awaitMails(user.email, INVITED);
      expect(mail.text).toContain('You can use it as a member of the finance team');
      const token = linkIn(mail, '/account/set-password');
      expect(mail.html).toContain('/account/set-password?token&#x3D;');
      // Neither the outbox row nor the link's row holds the token.
      const mac = token.split('.')[1];
      const stored = await db().query<{ data: string; hashes: string }[]>(
        `SELECT (SELECT string_agg(data::text, ' ') FROM email_outbox WHERE object_id = $1) AS data,
                (SELECT string_agg(token_hash || ' ' || id, ' ') FROM account_links
                 WHERE user_id = $2) AS hashes`,
        [user.id, user.id],
      );
      expect(stored[0].data).not.toContain(mac);
      expect(stored[0].hashes).not.toContain(mac);

      const chosen = password();
      const accepted = await accept(token, chosen).expect(200);
      expect(accepted.body).toMatchObject({ id: user.id, status: 'active', active: true });
      const session = await login(t, user.email, chosen);
      const me = await t.http().get('/api/v1/me').set(bearer(session)).expect(200);
      expect(me.body).toMatchObject({ email: user.email, role: 'finance', status: 'active' });

      // Single use.
      const again = await accept(token, password()).expect(400);
      expectProblem(again.body, 400, 'invitation-token-invalid');
      expect(again.body.detail).toContain('already been used');
      await login(t, user.email, chosen);

      const events = await auditOf(user.id);
      // The two failed sign-ins (before acceptance, and with the spent link's password), the
      // successful ones, and the staff user's enrolment of a second factor on the first.
      expect(events.map((e) => e.command).sort()).toEqual([
        'auth.sign-in',
        'auth.sign-in',
        'auth.sign-in-failed',
        'auth.sign-in-failed',
        'second-factor.enrolment-confirm',
        'second-factor.enrolment-start',
        'user.create',
        'user.invitation-accept',
        'user.invitation-send',
      ]);
      expect(events.find((e) => e.command === 'user.invitation-accept')?.actorLabel).toBe(
        `${user.email} (finance)`,
      );
      expect(JSON.stringify(events)).not.toContain(mac);
      expect(JSON.stringify(events)).not.toContain(chosen);
    });

    it('refuses a password from an admin, on create and on edit, saying what replaced it', async () => {
      const created = await t
        .http()
        .post('/api/v1/users')
        .set(as('admin'))
        .send(validStaffUser({ password: 'Admin-Typed-Password-1' }))
        .expect(400);
      expectProblem(created.body, 400, 'validation-failed');
      expect(created.body.errors).toEqual([
        { field: 'password', message: expect.stringContaining('invitation email') },
      ]);
      const user = await invite();
      const edited = await t
        .http()
        .patch(`/api/v1/users/${user.id}`)
        .set(as('admin'))
        .send({ password: 'Admin-Typed-Password-1' })
        .expect(400);
      expect(edited.body.errors).toEqual([
        { field: 'password', message: expect.stringContaining('POST /me/password') },
      ]);
      expect(await statusOf(user.id)).toBe('invited');
    });

    it('re-sends an invitation with a new link and voids the old one; not once accepted or while deactivated', async () => {
      const user = await invite();
      const [first] = await awaitMails(user.email, INVITED);
      const resent = await t
        .http()
        .post(`/api/v1/users/${user.id}/invitation`)
        .set(as('admin'))
        .expect(201);
      expect(resent.body).toEqual({
        userId: user.id,
        email: user.email,
        expiresAt: expect.any(String),
      });
      const expiresIn = Date.parse(resent.body.expiresAt as string) - Date.now();
      expect(Math.round(expiresIn / DAY)).toBe(t.config.accounts.invitationDays);
      const mails = await awaitMails(user.email, INVITED, 2);
      const oldToken = linkIn(first, '/account/set-password');
      const newToken = linkIn(
        mails.find((m) => m !== first)!,
        '/account/set-password',
      );
      expect(newToken).not.toBe(oldToken);

      const old = await accept(oldToken, password()).expect(400);
      expectProblem(old.body, 400, 'invitation-token-invalid');
      expect(old.body.detail).toContain('replaced by a newer invitation');
      const chosen = password();
      await accept(newToken, chosen).expect(200);
      await login(t, user.email, chosen);

      const late = await t
        .http()
        .post(`/api/v1/users/${user.id}/invitation`)
        .set(as('admin'))
        .expect(409);
      expectProblem(late.body, 409, 'invitation-already-accepted');

      const other = await invite();
      await t.http().post(`/api/v1/users/${other.id}/deactivate`).set(as('admin')).expect(200);
      const inactive = await t
        .http()
        .post(`/api/v1/users/${other.id}/invitation`)
        .set(as('admin'))
        .expect(409);
      expectProblem(inactive.body, 409, 'user-inactive');
      expect(await statusOf(other.id)).toBe('deactivated');
      expect((await auditOf(user.id)).map((e) => e.command)).toContain('user.invitation-resend');
    });

    it('refuses unknown, forged, expired and deactivated-account tokens with 400 and changes nothing', async () => {
      const user = await invite();
      const [mail] = await awaitMails(user.email, INVITED);
      const token = linkIn(mail, '/account/set-password');
      const forged = `${randomUUID()}.${token.split('.')[1]}`;
      const otherKey = accountLinkToken(
        accountLinkKey('not-the-server-secret-at-all-000000'),
        token.split('.')[0],
      );
      for (const bad of ['nonsense', forged, otherKey, `${token}x`]) {
        const refused = await accept(bad, password()).expect(400);
        expectProblem(refused.body, 400, 'invitation-token-invalid');
      }
      // As if the days had passed.
      await db().query(
        `UPDATE account_links SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
        [user.id],
      );
      const expired = await accept(token, password()).expect(400);
      expectProblem(expired.body, 400, 'invitation-token-invalid');
      expect(expired.body.detail).toContain('expired');
      expect(await statusOf(user.id)).toBe('invited');

      const deactivated = await invite();
      const [its] = await awaitMails(deactivated.email, INVITED);
      await t
        .http()
        .post(`/api/v1/users/${deactivated.id}/deactivate`)
        .set(as('admin'))
        .expect(200);
      const refused = await accept(linkIn(its, '/account/set-password'), password()).expect(400);
      expectProblem(refused.body, 400, 'invitation-token-invalid');
      const rows = await db().query<{ used: number }[]>(
        `SELECT count(*)::int AS used FROM account_links
         WHERE user_id = ANY($1) AND used_at IS NOT NULL`,
        [[user.id, deactivated.id]],
      );
      expect(rows).toEqual([{ used: 0 }]);
    });

    it('reminds an invited user once about the invitation, with a link that works, while it works', async () => {
      const waiting = await invite();
      const accepted = await createAccount(t, as('admin'), validStaffUser());
      const lapsed = await invite();
      const [invitation] = await awaitMails(waiting.email, INVITED);
      await awaitMails(lapsed.email, INVITED);
      const scanner = worker.get(ReminderScanService);
      const asOf = (days: number) => new Date(Date.now() + days * DAY);
      // The lapsed user's invitation ends before the scan day; the others' do not.
      await db().query(
        `UPDATE account_links SET expires_at = $2 WHERE user_id = $1 AND purpose = 'invitation'`,
        [lapsed.id, asOf(3.5)],
      );
      await scanner.scan(asOf(1));
      await scanner.scan(asOf(4));
      await scanner.scan(asOf(4));
      const [reminder] = await awaitMails(waiting.email, REMINDER);
      const token = linkIn(reminder, '/account/set-password');
      expect(token).toBe(linkIn(invitation, '/account/set-password'));
      // Give a duplicate, or a reminder to the others, every chance to arrive.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(mailsTo(waiting.email, REMINDER)).toHaveLength(1);
      expect(mailsTo(accepted.email, REMINDER)).toHaveLength(0);
      expect(mailsTo(lapsed.email, REMINDER)).toHaveLength(0);
      await accept(token, password()).expect(200);
    });
  });

  describe('password change', () => {
    it('ends every session, emails the user, and counts a wrong current password as a failed login', async () => {
      const user = await createAccount(t, as('admin'), validStaffUser());
      const here = newAddress();
      const first = await login(t, user.email, user.password);
      const second = await login(t, user.email, user.password);

      const wrong = await changePassword(
        first,
        { currentPassword: 'not-my-password-at-all', newPassword: password() },
        here,
      ).expect(400);
      expectProblem(wrong.body, 400, 'current-password-wrong');
      expect(wrong.body.errors).toEqual([
        { field: 'currentPassword', message: expect.any(String) },
      ]);
      for (let i = 0; i < 2; i++) {
        await changePassword(
          first,
          { currentPassword: `wrong-${i}-password-here`, newPassword: password() },
          here,
        ).expect(400);
      }
      // Three failures for this email from this address: sign-in and change both wait now.
      const waiting = await changePassword(
        first,
        { currentPassword: user.password, newPassword: password() },
        here,
      ).expect(429);
      expect(Number(waiting.headers['retry-after'])).toBeGreaterThan(0);
      await loginFrom(user.email, user.password, here).expect(429);
      await t.http().get('/api/v1/me').set(bearer(first)).expect(200);

      const chosen = password();
      await changePassword(
        first,
        { currentPassword: user.password, newPassword: chosen },
        newAddress(),
      ).expect(204);
      for (const old of [first, second]) {
        const refused = await t.http().get('/api/v1/me').set(bearer(old)).expect(401);
        expectProblem(refused.body, 401, 'token-revoked');
      }
      const oldPassword = await loginFrom(user.email, user.password).expect(401);
      expectProblem(oldPassword.body, 401, 'invalid-credentials');
      await login(t, user.email, chosen);
      const [mail] = await awaitMails(user.email, CHANGED);
      expect(mail.text).toContain('was changed on');
      expect(mail.text).toContain('you have been signed out');
      const events = await auditOf(user.id);
      expect(events.filter((e) => e.command === 'user.password-change')).toHaveLength(1);
      expect(JSON.stringify(events)).not.toContain(chosen);
    });

    it('refuses a new password the rules refuse, changing nothing', async () => {
      const user = await createAccount(t, as('admin'), validStaffUser());
      const token = await login(t, user.email, user.password);
      const weak = await changePassword(
        token,
        { currentPassword: user.password, newPassword: 'password1234' },
        newAddress(),
      ).expect(400);
      expect(weak.body.errors).toEqual([
        { field: 'newPassword', message: expect.stringMatching(/^password (must|is)/) },
      ]);
      await t.http().get('/api/v1/me').set(bearer(token)).expect(200);
      await login(t, user.email, user.password);
    });
  });

  describe('password reset', () => {
    it('answers 202 alike for known and unknown emails, and emails a single-use link that ends every session', async () => {
      const user = await createAccount(t, as('admin'), validStaffUser());
      const session = await login(t, user.email, user.password);
      const unknown = `nobody-${uniqueSuffix().toLowerCase()}@homeoffice.example`;
      const known = await requestReset(user.email, newAddress()).expect(202);
      const stranger = await requestReset(unknown, newAddress()).expect(202);
      expect(stranger.body).toEqual(known.body);
      expect(known.body.message).toMatch(/^If an account uses this email/);

      const [mail] = await awaitMails(user.email, RESET);
      const token = linkIn(mail, '/account/reset-password');
      expect(mail.text).toMatch(/It works once, until .* \(UK time\)/);
      const chosen = password();
      await completeReset(token, chosen).expect(204);
      const ended = await t.http().get('/api/v1/me').set(bearer(session)).expect(401);
      expectProblem(ended.body, 401, 'token-revoked');
      await loginFrom(user.email, user.password).expect(401);
      await login(t, user.email, chosen);
      const [changed] = await awaitMails(user.email, CHANGED);
      expect(changed.text).toContain('was reset on');

      const reused = await completeReset(token, password()).expect(400);
      expectProblem(reused.body, 400, 'reset-token-invalid');
      await login(t, user.email, chosen);

      // Nothing was sent to, or queued for, the unknown email.
      expect(smtp.to(unknown)).toEqual([]);
      const queued = await db().query(
        `SELECT 1 FROM email_outbox WHERE recipients @> ARRAY[$1]::text[]`,
        [unknown],
      );
      expect(queued).toEqual([]);
      const commands = (await auditOf(user.id)).map((e) => e.command);
      expect(commands).toEqual(
        expect.arrayContaining(['user.password-reset-request', 'user.password-reset']),
      );
    });

    it('voids the other outstanding links when one is used, and refuses an expired link', async () => {
      const user = await createAccount(t, as('admin'), validStaffUser());
      const address = newAddress();
      await requestReset(user.email, address).expect(202);
      await requestReset(user.email, address).expect(202);
      const [a, b] = (await awaitMails(user.email, RESET, 2)).map((mail) =>
        linkIn(mail, '/account/reset-password'),
      );
      const chosen = password();
      await completeReset(b, chosen).expect(204);
      const voided = await completeReset(a, password()).expect(400);
      expectProblem(voided.body, 400, 'reset-token-invalid');

      await requestReset(user.email, address).expect(202);
      const [, , third] = await awaitMails(user.email, RESET, 3);
      const expiring = linkIn(third, '/account/reset-password');
      const minutes = await db().query<{ minutes: number }[]>(
        `SELECT round(extract(epoch FROM expires_at - created_at) / 60)::int AS minutes
         FROM account_links WHERE user_id = $1 AND purpose = 'password-reset'
         ORDER BY created_at DESC LIMIT 1`,
        [user.id],
      );
      expect(minutes).toEqual([{ minutes: 30 }]);
      // As if the half hour had passed.
      await db().query(
        `UPDATE account_links SET expires_at = now() - interval '1 second'
         WHERE user_id = $1 AND purpose = 'password-reset' AND used_at IS NULL`,
        [user.id],
      );
      const expired = await completeReset(expiring, password()).expect(400);
      expectProblem(expired.body, 400, 'reset-token-invalid');
      await login(t, user.email, chosen);
      const invitation = await completeReset('nonsense', password()).expect(400);
      expectProblem(invitation.body, 400, 'reset-token-invalid');
    });

    it('does not accept an invitation link as a reset link, nor the other way round', async () => {
      const user = await invite();
      const [mail] = await awaitMails(user.email, INVITED);
      const token = linkIn(mail, '/account/set-password');
      await completeReset(token, password()).expect(400);
      expect(await statusOf(user.id)).toBe('invited');
      // An invited user has no password to reset: nothing is sent.
      await requestReset(user.email, newAddress()).expect(202);
      const account = await createAccount(t, as('admin'), validStaffUser());
      await requestReset(account.email, newAddress()).expect(202);
      const [reset] = await awaitMails(account.email, RESET);
      const refused = await accept(linkIn(reset, '/account/reset-password'), password()).expect(
        400,
      );
      expectProblem(refused.body, 400, 'invitation-token-invalid');
      expect(mailsTo(user.email, RESET)).toEqual([]);
    });

    it('throttles requests per email and per address, for known and unknown emails alike', async () => {
      const user = await createAccount(t, as('admin'), validStaffUser());
      const unknown = `nobody-${uniqueSuffix().toLowerCase()}@homeoffice.example`;
      for (const email of [user.email, unknown]) {
        for (let i = 0; i < 3; i++) {
          await requestReset(email, newAddress()).expect(202);
        }
        const refused = await requestReset(email, newAddress()).expect(429);
        expectProblem(refused.body, 429, 'too-many-requests');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        expect(refused.body.detail).toContain('for this email');
      }
      const address = newAddress();
      for (let i = 0; i < 6; i++) {
        const email = `spray-${i}-${uniqueSuffix().toLowerCase()}@homeoffice.example`;
        await requestReset(email, address).expect(202);
      }
      const sprayed = await requestReset(`last-${uniqueSuffix()}@example.org`, address).expect(429);
      expect(sprayed.body.detail).toContain('from your address');
      await awaitMails(user.email, RESET, 3);
    });
  });
});
