import { errorCatalogue, errorsOf } from '../../common/error-catalogue';

// Every refusal about sessions and refresh tokens: a stable code, its status and what to do.
export const SESSION_ERRORS = errorCatalogue({
  'refresh-token-invalid': {
    status: 401,
    message: 'This refresh token is not one we issued; sign in again.',
  },
  'refresh-token-reused': {
    status: 401,
    message:
      'This refresh token was already used, so it may have been copied: the session it belonged to has been ended. Sign in again.',
  },
  'refresh-token-expired': {
    status: 401,
    message: 'This session has run out of time (unused for too long, or too old); sign in again.',
  },
  'session-ended': {
    status: 401,
    message:
      'This session has ended (signed out, ended from the list of sessions or by an administrator, or the password, role, organisation or account status changed); sign in again.',
  },
});

export type SessionErrorCode = keyof typeof SESSION_ERRORS;

export const sessionError = errorsOf(SESSION_ERRORS);
