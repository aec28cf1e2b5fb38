import { expectProblem, startApp } from './support/app';
import { sessionSuite, sleep, type Tokens } from './support/sessions';

describe('sessions past their time limits', () => {
  it('refuses a refresh token unused past the idle timeout, and its access token', async () => {
    const t = await startApp({ sessions: { idleSeconds: 2, absoluteSeconds: 3600 } });
    try {
      const s = sessionSuite(() => t);
      await s.setUp({ fresh: true });
      const tokens = await s.signIn(await s.newAccount());
      expect(tokens.refreshExpiresIn).toBe(2);
      await sleep(2_200);
      const expired = await s.refresh(tokens.refreshToken).expect(401);
      expectProblem(expired.body, 401, 'refresh-token-expired');
      expectProblem((await s.me(tokens).expect(401)).body, 401, 'session-ended');
      // Expiry changed nothing: the token is still not reuse, just too late.
      expectProblem(
        (await s.refresh(tokens.refreshToken).expect(401)).body,
        401,
        'refresh-token-expired',
      );
    } finally {
      await t.close();
    }
  });

  it('ends a session at its absolute lifetime however often it is refreshed', async () => {
    const t = await startApp({ sessions: { idleSeconds: 60, absoluteSeconds: 3 } });
    try {
      const s = sessionSuite(() => t);
      await s.setUp({ fresh: true });
      const first = await s.signIn(await s.newAccount());
      expect(first.refreshExpiresIn).toBeLessThanOrEqual(3);
      await sleep(1_500);
      const second = (await s.refresh(first.refreshToken).expect(200)).body as Tokens;
      expect(second.refreshExpiresIn).toBeLessThanOrEqual(2);
      await sleep(1_800);
      const late = await s.refresh(second.refreshToken).expect(401);
      expectProblem(late.body, 401, 'refresh-token-expired');
    } finally {
      await t.close();
    }
  });
});
