import { errorCatalogue, errorsOf } from '../../common/error-catalogue';

// Every way enrolling, resetting or signing in with a second factor (TOTP) is refused.
export const SECOND_FACTOR_ERRORS = errorCatalogue({
  'second-factor-challenge-spent': {
    status: 401,
    message:
      'This sign-in has already been completed or has had too many wrong codes: log in again with your password.',
  },
  'second-factor-enrolment-required': {
    status: 403,
    message:
      'Staff accounts sign in with a second factor: enrol one first (POST /api/v1/me/second-factor, then POST /api/v1/me/second-factor/confirm with a code from your authenticator app).',
  },
  'second-factor-required': {
    status: 401,
    message:
      'This account has a second factor and this token was issued without it: log in again and give a code from your authenticator app.',
  },
  'second-factor-challenge-invalid': {
    status: 401,
    message:
      'This sign-in no longer holds: the account or its second factor changed since the password was given. Log in again.',
  },
  'second-factor-code-wrong': {
    status: 401,
    message:
      'That code is wrong, has expired or has been used already: send the code your authenticator app shows now (wait for the next one if you just used this one).',
  },
  'second-factor-already-enrolled': {
    status: 409,
    message: 'A confirmed second factor exists already; an admin can reset it.',
  },
  'second-factor-not-started': {
    status: 409,
    message:
      'Start enrolment first: POST /api/v1/me/second-factor gives the secret for your authenticator app.',
  },
  'enrolment-code-wrong': {
    status: 400,
    message:
      'That code does not match the secret you were given: check the app shows "Safer Streets grants" and that the device clock is right, then send the code it shows now.',
  },
  'cannot-reset-own-second-factor': {
    status: 409,
    message: 'You cannot reset your own second factor; ask another admin.',
  },
  'second-factor-not-enrolled': {
    status: 409,
    message: 'This user has no second factor to reset.',
  },
  'second-factor-challenge-expired': {
    status: 401,
    message: 'This sign-in waited too long for a code: log in again with your password.',
  },
});

export const secondFactorError = errorsOf(SECOND_FACTOR_ERRORS);
