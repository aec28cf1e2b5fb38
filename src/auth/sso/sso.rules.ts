import type { Role } from '../../common/access';
import type { SsoConfig } from './sso-config';
import type { SsoErrorCode } from './sso.errors';

// Who the provider says signed in, as far as matching an account needs.
export interface ProvenIdentity {
  issuer: string;
  subject: string;
  email: string | undefined;
  // Only a JSON `true` counts: a provider that leaves it out has not verified the address.
  emailVerified: boolean;
}

export type SsoRefusal = Extract<SsoErrorCode, 'sso-email-unverified' | 'sso-no-account'>;

// Whether the provider's word lets this person in as `user` (the account with that email, if
// any). Sign-in never creates an account and never gives a role: only active staff accounts
// match, and an applicant's email gets the same answer as an unknown one.
export function ssoRefusal(
  identity: Pick<ProvenIdentity, 'email' | 'emailVerified'>,
  user: { role: Role; active: boolean } | null,
): SsoRefusal | undefined {
  if (!identity.email || !identity.emailVerified) {
    return 'sso-email-unverified';
  }
  if (!user || !user.active || user.role === 'applicant') {
    return 'sso-no-account';
  }
  return undefined;
}

// Where a sign-in comes back to: the API's own callback, unless a client asks for one of the
// portal pages configured for it. Anything else is refused: a code sent to another address could
// be taken there. Matched exactly, as providers match redirect URIs.
export function redirectFor(
  settings: Pick<SsoConfig, 'redirectUrl' | 'portalRedirectUrls'>,
  wanted: string | undefined,
): string | undefined {
  if (wanted === undefined || wanted === '') {
    return settings.redirectUrl;
  }
  return wanted === settings.redirectUrl || settings.portalRedirectUrls.includes(wanted)
    ? wanted
    : undefined;
}

// A browser is sent on to the provider; an API client that asks for JSON (and not for HTML)
// gets the provider's address to open itself.
export function wantsJson(accept: string | undefined): boolean {
  const types = (accept ?? '')
    .toLowerCase()
    .split(',')
    .map((part) => part.split(';')[0].trim());
  return types.includes('application/json') && !types.includes('text/html');
}
