import { randomUUID } from 'node:crypto';
import {
  accountLinkKey,
  accountLinkToken,
  accountLinkUrl,
  tokenHash,
  verifiedLinkId,
} from './account-link-tokens';
import { loadConfig } from '../config/load-config';

const PORTAL = loadConfig({ PORTAL_BASE_URL: 'https://grants.example' }).portal;

describe('account link tokens', () => {
  const key = accountLinkKey('a-test-jwt-secret-of-thirty-two-chars!!');
  const id = randomUUID();

  it('makes the same token from the same link id and key, and another with another key', () => {
    const token = accountLinkToken(key, id);
    expect(token).toMatch(new RegExp(`^${id}\\.[A-Za-z0-9_-]{43}$`));
    expect(accountLinkToken(key, id)).toBe(token);
    expect(accountLinkToken(accountLinkKey('another-secret-of-thirty-two-chars!!!'), id)).not.toBe(
      token,
    );
  });

  it('derives its own key from the JWT secret, not the secret itself', () => {
    expect(key.equals(Buffer.from('a-test-jwt-secret-of-thirty-two-chars!!'))).toBe(false);
    expect(key).toHaveLength(32);
  });

  it('knows its own tokens and nothing else', () => {
    const token = accountLinkToken(key, id);
    expect(verifiedLinkId(key, token)).toBe(id);
    expect(verifiedLinkId(key, `${id}.${'A'.repeat(43)}`)).toBeNull();
    expect(verifiedLinkId(key, `${randomUUID()}.${token.split('.')[1]}`)).toBeNull();
    expect(verifiedLinkId(key, id)).toBeNull();
    expect(verifiedLinkId(key, `${token}.x`)).toBeNull();
    expect(verifiedLinkId(key, 'not-a-uuid.abc')).toBeNull();
  });

  it('stores a hash that is not the token, and puts the token in the page link', () => {
    const token = accountLinkToken(key, id);
    expect(tokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(token)).not.toContain(token.split('.')[1]);
    expect(accountLinkUrl(PORTAL, 'invitation', token)).toBe(
      `https://grants.example/account/set-password?token=${token}`,
    );
    expect(accountLinkUrl(PORTAL, 'password-reset', token)).toContain(
      '/account/reset-password?token=',
    );
  });
});
