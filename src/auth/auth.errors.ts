import { errorCatalogue, errorsOf } from '../common/error-catalogue';

// Every way signing in or presenting a token is refused.
export const AUTH_ERRORS = errorCatalogue({
  'login-limits-unavailable': {
    status: 503,
    message:
      'Sign-ins are paused: the store that counts wrong codes (Redis) did not answer. Try again in a few seconds.',
  },
  'invalid-credentials': {
    status: 401,
    message: 'The email or password is wrong, or the account is deactivated or not yet set up.',
  },
  'account-inactive': {
    status: 401,
    message: 'This account no longer exists or has been deactivated.',
  },
  'token-revoked': {
    status: 401,
    message:
      'This session was ended because the password, role, organisation or account status changed; log in again.',
  },
  'token-invalid': { status: 401, message: 'The token is not one this API issued; sign in again.' },
  'token-expired': { status: 401, message: 'Your session has expired; log in again.' },
});

export const authError = errorsOf(AUTH_ERRORS);
