import { generateSecret, generateURI, verify } from 'otplib';
import { TOTP_ISSUER, TOTP_TOLERANCE_SECONDS } from './second-factor.rules';

// RFC 6238 through otplib (SHA-1, 6 digits, 30-second steps: what every authenticator app
// assumes when the otpauth URI says nothing else).

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(email: string, secret: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret });
}

// The time step `code` belongs to, if it is one of now ±1 step and later than `afterStep`.
export async function acceptedStep(
  secret: string,
  code: string,
  afterStep: number | null,
  now = Date.now(),
): Promise<number | null> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now / 1000),
    epochTolerance: TOTP_TOLERANCE_SECONDS,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  // The union with HOTP's result: only a TOTP answer carries the step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
