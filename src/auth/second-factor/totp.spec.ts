import { generate } from 'otplib';
import { acceptedStep, newTotpSecret, totpUri } from './totp';

describe('TOTP codes (otplib)', () => {
  const secret = newTotpSecret();
  const now = Date.parse('2026-12-01T12:00:10Z');
  const step = Math.floor(now / 30_000);
  const codeAt = (s: number) => generate({ secret, epoch: s * 30 });

  it('accepts the codes of the steps before, at and after now, and says which step', async () => {
    for (const s of [step - 1, step, step + 1]) {
      expect(await acceptedStep(secret, await codeAt(s), null, now)).toBe(s);
    }
  });

  it('refuses codes two steps away and wrong digits', async () => {
    expect(await acceptedStep(secret, await codeAt(step - 2), null, now)).toBeNull();
    expect(await acceptedStep(secret, await codeAt(step + 2), null, now)).toBeNull();
    const right = await codeAt(step);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    expect(await acceptedStep(secret, wrong, null, now)).toBeNull();
  });

  it('refuses a step at or before the last one used, and accepts a later one', async () => {
    expect(await acceptedStep(secret, await codeAt(step), step, now)).toBeNull();
    expect(await acceptedStep(secret, await codeAt(step - 1), step, now)).toBeNull();
    expect(await acceptedStep(secret, await codeAt(step + 1), step, now)).toBe(step + 1);
  });

  it('names the service and the account in the otpauth URI', () => {
    const uri = new URL(totpUri('jo@homeoffice.example', secret));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Safer Streets grants:jo@homeoffice.example');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Safer Streets grants');
  });
});
