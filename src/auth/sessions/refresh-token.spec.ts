import { newRefreshToken, refreshTokenHash } from './refresh-token';

describe('refresh tokens', () => {
  it('are 256 random bits, stored only as their SHA-256', () => {
    const first = newRefreshToken();
    const second = newRefreshToken();
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first.token, 'base64url')).toHaveLength(32);
    expect(second.token).not.toBe(first.token);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.hash).not.toContain(first.token);
    expect(refreshTokenHash(first.token)).toBe(first.hash);
  });

  it.each([[''], ['short'], ['a'.repeat(44)], [`${'a'.repeat(42)}=`], [`${'a'.repeat(42)}.`]])(
    'refuses %p without hashing it',
    (token) => {
      expect(refreshTokenHash(token)).toBeNull();
    },
  );
});
