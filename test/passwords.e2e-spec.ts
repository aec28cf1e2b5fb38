import { expectProblem, login } from './support/app';
import { createAccount } from './support/accounts';
import { uniqueSuffix, validStaffUser } from './support/factories';
import { accountsWorld, INVITED, RESET, CHANGED } from './support/account-journeys';

// Issue 20, items 2 and 7: password change and reset, driven through the API, with the emails
// read where a person would read them, at a real SMTP server.
describe('accounts people manage themselves', () => {
  const w = accountsWorld();
  const {
    as,
    bearer,
    newAddress,
    db,
    invite,
    mailsTo,
    awaitMails,
    linkIn,
    accept,
    requestReset,
    completeReset,
    changePassword,
    loginFrom,
    statusOf,
    auditOf,
    password,
  } = w;

  describe('password change', () => {
    it('ends every session, emails the user, and counts a wrong current password as a failed login', async () => {
      const user = await createAccount(w.t, as('admin'), validStaffUser());
      const here = newAddress();
      const first = await login(w.t, user.email, user.password);
      const second = await login(w.t, user.email, user.password);

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
      await w.t.http().get('/api/v1/me').set(bearer(first)).expect(200);

      const chosen = password();
      await changePassword(
        first,
        { currentPassword: user.password, newPassword: chosen },
        newAddress(),
      ).expect(204);
      for (const old of [first, second]) {
        const refused = await w.t.http().get('/api/v1/me').set(bearer(old)).expect(401);
        expectProblem(refused.body, 401, 'token-revoked');
      }
      const oldPassword = await loginFrom(user.email, user.password).expect(401);
      expectProblem(oldPassword.body, 401, 'invalid-credentials');
      await login(w.t, user.email, chosen);
      const [mail] = await awaitMails(user.email, CHANGED);
      expect(mail.text).toContain('was changed on');
      expect(mail.text).toContain('you have been signed out');
      const events = await auditOf(user.id);
      expect(events.filter((e) => e.command === 'user.password-change')).toHaveLength(1);
      expect(JSON.stringify(events)).not.toContain(chosen);
    });

    it('refuses a new password the rules refuse, changing nothing', async () => {
      const user = await createAccount(w.t, as('admin'), validStaffUser());
      const token = await login(w.t, user.email, user.password);
      const weak = await changePassword(
        token,
        { currentPassword: user.password, newPassword: 'password1234' },
        newAddress(),
      ).expect(400);
      expect(weak.body.errors).toEqual([
        { field: 'newPassword', message: expect.stringMatching(/^password (must|is)/) },
      ]);
      await w.t.http().get('/api/v1/me').set(bearer(token)).expect(200);
      await login(w.t, user.email, user.password);
    });
  });

  describe('password reset', () => {
    it('answers 202 alike for known and unknown emails, and emails a single-use link that ends every session', async () => {
      const user = await createAccount(w.t, as('admin'), validStaffUser());
      const session = await login(w.t, user.email, user.password);
      const unknown = `nobody-${uniqueSuffix().toLowerCase()}@homeoffice.example`;
      const known = await requestReset(user.email, newAddress()).expect(202);
      const stranger = await requestReset(unknown, newAddress()).expect(202);
      expect(stranger.body).toEqual(known.body);
      expect(known.body.message).toMatch(/^If an account uses this email/);

      const [mail] = await awaitMails(user.email, RESET);
      const token = linkIn(mail, '/account/reset-password');
      expect(mail.text).toMatch(
        /It works once, until \d{1,2} \w+ \d{4} \d{2}:\d{2}:\d{2} (GMT|BST)\./,
      );
      const chosen = password();
      await completeReset(token, chosen).expect(204);
      const ended = await w.t.http().get('/api/v1/me').set(bearer(session)).expect(401);
      expectProblem(ended.body, 401, 'token-revoked');
      await loginFrom(user.email, user.password).expect(401);
      await login(w.t, user.email, chosen);
      const [changed] = await awaitMails(user.email, CHANGED);
      expect(changed.text).toContain('was reset on');

      const reused = await completeReset(token, password()).expect(400);
      expectProblem(reused.body, 400, 'reset-token-invalid');
      await login(w.t, user.email, chosen);

      // Nothing was sent to, or queued for, the unknown email.
      expect(w.smtp.to(unknown)).toEqual([]);
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

    it('lets a user locked out by wrong passwords sign in with the reset one at once, and audits the clearing', async () => {
      const user = await createAccount(w.t, as('admin'), validStaffUser());
      const [home, phone] = [newAddress(), newAddress()];
      for (const address of [home, phone]) {
        for (let i = 0; i < 3; i++) {
          await loginFrom(user.email, `forgotten-${i}-password`, address).expect(401);
        }
        await loginFrom(user.email, user.password, address).expect(429);
      }
      await requestReset(user.email, home).expect(202);
      const [mail] = await awaitMails(user.email, RESET);
      const chosen = password();
      await completeReset(linkIn(mail, '/account/reset-password'), chosen).expect(204);
      // Wherever the failures came from: the reset link proved the mailbox is theirs.
      await loginFrom(user.email, chosen, home).expect(200);
      await loginFrom(user.email, chosen, phone).expect(200);
      const reset = (await auditOf(user.id)).find((e) => e.command === 'user.password-reset');
      expect(reset?.changes).toMatchObject({ failedLogins: { before: 6, after: 0 } });
    });

    it('voids the other outstanding links when one is used, and refuses an expired link', async () => {
      const user = await createAccount(w.t, as('admin'), validStaffUser());
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
      await login(w.t, user.email, chosen);
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
      const account = await createAccount(w.t, as('admin'), validStaffUser());
      await requestReset(account.email, newAddress()).expect(202);
      const [reset] = await awaitMails(account.email, RESET);
      const refused = await accept(linkIn(reset, '/account/reset-password'), password()).expect(
        400,
      );
      expectProblem(refused.body, 400, 'invitation-token-invalid');
      expect(mailsTo(user.email, RESET)).toEqual([]);
    });

    it('throttles requests per email and per address, for known and unknown emails alike', async () => {
      const user = await createAccount(w.t, as('admin'), validStaffUser());
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
