import { errorCatalogue, errorsOf } from '../common/error-catalogue';

// Every way an account, an invitation, a password reset or a role change is refused: a stable
// code, its status and a sentence for a person. Separation of duties' refusal lives here too,
// since every feature that decides anything asks it.
export const USER_ERRORS = errorCatalogue({
  'password-reset-unavailable': {
    status: 503,
    message:
      'Password resets are paused: the store that counts requests (Redis) did not answer. Try again in a few seconds.',
  },
  'current-password-wrong': {
    status: 400,
    message: 'The current password is wrong; your password was not changed.',
  },
  'own-role-change': {
    status: 403,
    message:
      'You may not change your own role or organisation (separation of duties); ask another admin. Your name and password you may change.',
  },
  'reset-token-invalid': {
    status: 400,
    message:
      'This password reset link is not valid: it may have expired (links work for a short time), been used already, or been replaced. Ask for a new one from the sign-in page.',
  },
  'email-taken': {
    status: 409,
    message: 'A user with this email already exists; find them in the list of users instead.',
  },
  'cannot-deactivate-self': {
    status: 409,
    message: 'You cannot deactivate your own account; ask another admin.',
  },
  'user-organisation-invalid': {
    status: 422,
    message: 'The user and organisation do not fit together; see errors.',
  },
  'invitation-token-invalid': {
    status: 400,
    message:
      'This invitation link is not valid: copy the whole link from the email, or ask your administrator for a new invitation.',
  },
  'conflict-of-interest': {
    status: 403,
    message:
      'You may not act on this bid because of a tie to its organisation; another member of staff must do it.',
  },
  'user-already-active': { status: 409, message: 'This user is already active.' },
  'user-already-inactive': { status: 409, message: 'This user is already deactivated.' },
  'user-inactive': {
    status: 409,
    message: 'This user is deactivated; reactivate them before sending an invitation.',
  },
  'invitation-already-accepted': {
    status: 409,
    message:
      'This user has already set their password; they can reset it themselves from the sign-in page.',
  },
});

export const userError = errorsOf(USER_ERRORS);
