import { tooManyRequests } from '../../common/common.errors';
import type { RetryLaterError } from '../../common/domain-error';
import { errorCatalogue, errorsOf } from '../../common/error-catalogue';
import type { RateLimitPolicy } from '../../common/rate-limit';

// Every way an SSO sign-in is refused: a stable code, its status and a sentence for a person.
// None of them changes anything, and none says whether an account exists.
export const SSO_ERRORS = errorCatalogue({
  'sso-not-configured': {
    status: 404,
    message:
      'Single sign-on is not set up on this service; sign in with your email and password instead.',
  },
  'sso-state-invalid': {
    status: 400,
    message:
      'This sign-in was not started here, has expired (after 10 minutes) or was already completed; start signing in again.',
  },
  'sso-redirect-not-allowed': {
    status: 400,
    message:
      "A sign-in may come back only to this service's own callback or a portal page configured for it (OIDC_PORTAL_REDIRECT_URLS); ask without redirectUrl, or with one of those.",
  },
  'sso-code-rejected': {
    status: 401,
    message:
      'The identity provider did not confirm this sign-in (it refused it, or the code was invalid or already used); start signing in again.',
  },
  'sso-email-unverified': {
    status: 403,
    message:
      'The identity provider did not give a verified email address for your account there, so it cannot be matched to an account here; ask your IT service desk to verify it.',
  },
  'sso-no-account': {
    status: 403,
    message:
      'There is no active Home Office staff account here for the email address your identity provider gave; ask the programme administrator to invite you.',
  },
  'sso-provider-unavailable': {
    status: 503,
    message:
      'The identity provider could not be reached, or did not answer in time; try again in a few minutes, or sign in with your email and password.',
  },
  'sso-store-unavailable': {
    status: 503,
    message:
      'Sign-in is paused: the store that holds sign-ins in progress (Redis) did not answer. Try again in a few seconds.',
  },
});

export type SsoErrorCode = keyof typeof SSO_ERRORS;

export const ssoError = errorsOf(SSO_ERRORS);

// Sign-ins begun from one address are capped, so nobody fills Redis with pending sign-ins.
export function tooManyStarts(retryAfterSeconds: number, policy: RateLimitPolicy): RetryLaterError {
  return tooManyRequests(
    `Too many sign-ins were started from your address; try again in ${retryAfterSeconds} seconds.`,
    retryAfterSeconds,
    policy,
  );
}
