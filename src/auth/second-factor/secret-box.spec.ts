import { randomBytes } from 'node:crypto';
import { openSecret, sealSecret } from './secret-box';

describe('second-factor secrets at rest', () => {
  const key = randomBytes(32);

  it('opens what it sealed, and never stores the secret in the clear', () => {
    const sealed = sealSecret(key, 'user-1', 'JBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(sealed).toMatch(/^v1\./);
    expect(openSecret(key, 'user-1', sealed)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('seals the same secret differently each time (a fresh nonce)', () => {
    expect(sealSecret(key, 'user-1', 'A')).not.toBe(sealSecret(key, 'user-1', 'A'));
  });

  it('refuses another key, another user and altered bytes', () => {
    const sealed = sealSecret(key, 'user-1', 'JBSWY3DPEHPK3PXP');
    expect(() => openSecret(randomBytes(32), 'user-1', sealed)).toThrow();
    expect(() => openSecret(key, 'user-2', sealed)).toThrow();
    const parts = sealed.split('.');
    const altered = Buffer.from(parts[3], 'base64url');
    altered[0] ^= 1;
    parts[3] = altered.toString('base64url');
    expect(() => openSecret(key, 'user-1', parts.join('.'))).toThrow();
    expect(() => openSecret(key, 'user-1', 'v2.a.b.c')).toThrow(/shape/);
  });
});
