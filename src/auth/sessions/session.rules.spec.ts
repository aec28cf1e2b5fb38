import {
  DEVICE_LABEL_MAX_LENGTH,
  deviceLabel,
  refreshExpiresIn,
  SessionFacts,
  sessionState,
} from './session.rules';

describe('session rules', () => {
  const limits = { idleSeconds: 1800, absoluteSeconds: 43_200 };
  const signIn = new Date('2026-12-01T09:00:00Z');
  const at = (seconds: number) => new Date(signIn.getTime() + seconds * 1000);
  const session: SessionFacts = {
    tokenVersion: 3,
    createdAt: signIn,
    lastUsedAt: signIn,
    endedAt: null,
  };

  describe('sessionState', () => {
    it('is live until the idle timeout, and idle from it', () => {
      expect(sessionState(session, 3, at(1799), limits)).toBe('live');
      expect(sessionState(session, 3, at(1800), limits)).toBe('idle');
    });

    it('counts the idle timeout from the last refresh', () => {
      const used = { ...session, lastUsedAt: at(10_000) };
      expect(sessionState(used, 3, at(10_000 + 1799), limits)).toBe('live');
      expect(sessionState(used, 3, at(10_000 + 1800), limits)).toBe('idle');
    });

    it('ends a session at its absolute lifetime however recently it was used', () => {
      const busy = { ...session, lastUsedAt: at(43_199) };
      expect(sessionState(busy, 3, at(43_199), limits)).toBe('live');
      expect(sessionState(busy, 3, at(43_200), limits)).toBe('expired');
    });

    it('is revoked once the user’s token version has moved on, whatever the time', () => {
      expect(sessionState(session, 4, at(1), limits)).toBe('revoked');
    });

    it('is ended once someone ended it, before anything else', () => {
      expect(sessionState({ ...session, endedAt: at(5) }, 4, at(50_000), limits)).toBe('ended');
    });
  });

  describe('refreshExpiresIn', () => {
    it('is the idle timeout while the lifetime has longer to run', () => {
      expect(refreshExpiresIn(session, at(0), limits)).toBe(1800);
      expect(refreshExpiresIn(session, at(20_000), limits)).toBe(1800);
    });

    it('is what is left of the lifetime near its end', () => {
      expect(refreshExpiresIn(session, at(43_200 - 600), limits)).toBe(600);
      expect(refreshExpiresIn(session, at(50_000), limits)).toBe(0);
    });
  });

  describe('deviceLabel', () => {
    it('keeps a User-Agent as it is, without control characters or runs of spaces', () => {
      expect(deviceLabel('Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0')).toBe(
        'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
      );
      expect(deviceLabel('  curl/8.5\t\u0000 beta \n')).toBe('curl/8.5 beta');
    });

    it('is null for a missing or blank header', () => {
      expect(deviceLabel(undefined)).toBeNull();
      expect(deviceLabel(' \t ')).toBeNull();
    });

    it('shortens a long one to the limit, never cutting a character in half', () => {
      const long = deviceLabel('x'.repeat(5000))!;
      expect(Array.from(long)).toHaveLength(DEVICE_LABEL_MAX_LENGTH);
      expect(long.endsWith('…')).toBe(true);
      const emoji = deviceLabel('😀'.repeat(300))!;
      expect(Array.from(emoji)).toHaveLength(DEVICE_LABEL_MAX_LENGTH);
      expect(emoji).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    });
  });
});
