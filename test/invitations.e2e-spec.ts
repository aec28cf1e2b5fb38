import { randomUUID } from 'node:crypto';
import { ReminderScanService } from '../src/notifications/reminder-scan.service';
import { accountLinkKey, accountLinkToken } from '../src/users/account-link-tokens';
import { expectProblem, login } from './support/app';
import { createAccount } from './support/accounts';
import { validStaffUser } from './support/factories';
import { accountsWorld, DAY, INVITED, REMINDER } from './support/account-journeys';

// Issue 20, items 1 and 7: invitations, from the admin's create to the user's first sign-in,
// driven through the API, with the emails read where a person would read them, at a real SMTP
// server.
describe('accounts people manage themselves', () => {
  const w = accountsWorld();
  const {
    as,
    bearer,
    db,
    invite,
    mailsTo,
    awaitMails,
    linkIn,
    accept,
    loginFrom,
    statusOf,
    auditOf,
    password,
  } = w;

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
      const session = await login(w.t, user.email, chosen);
      const me = await w.t.http().get('/api/v1/me').set(bearer(session)).expect(200);
      expect(me.body).toMatchObject({ email: user.email, role: 'finance', status: 'active' });

      // Single use.
      const again = await accept(token, password()).expect(400);
      expectProblem(again.body, 400, 'invitation-token-invalid');
      expect(again.body.detail).toContain('already been used');
      await login(w.t, user.email, chosen);

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
      const created = await w.t
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
      const edited = await w.t
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
      const resent = await w.t
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
      expect(Math.round(expiresIn / DAY)).toBe(w.t.config.accounts.invitationDays);
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
      await login(w.t, user.email, chosen);

      const late = await w.t
        .http()
        .post(`/api/v1/users/${user.id}/invitation`)
        .set(as('admin'))
        .expect(409);
      expectProblem(late.body, 409, 'invitation-already-accepted');

      const other = await invite();
      await w.t.http().post(`/api/v1/users/${other.id}/deactivate`).set(as('admin')).expect(200);
      const inactive = await w.t
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
      await w.t
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
      const accepted = await createAccount(w.t, as('admin'), validStaffUser());
      const lapsed = await invite();
      const [invitation] = await awaitMails(waiting.email, INVITED);
      await awaitMails(lapsed.email, INVITED);
      const scanner = w.worker.get(ReminderScanService);
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
});
