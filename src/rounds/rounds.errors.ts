import { errorCatalogue, errorsOf } from '../common/error-catalogue';

// Every way a round's edit, command or deadline extension is refused; `round-not-in-assessment`
// and `round-closed-out` are also said by bids and awards about their round.
export const ROUND_ERRORS = errorCatalogue({
  'round-offers-open': {
    status: 409,
    message: 'Delivery cannot start while offers in the round are still open.',
  },
  'round-not-settled': {
    status: 409,
    message:
      'The round cannot be closed out while anything is still owed: an active award, an unsettled return or an unmade payment.',
  },
  'organisation-not-found': { status: 422, message: 'The organisation does not exist.' },
  'round-not-draft': { status: 409, message: 'Only a draft round can be edited.' },
  'round-command-refused': {
    status: 409,
    message: "The round's status does not allow this command now.",
  },
  'deadline-extensions-running': {
    status: 409,
    message: "The round cannot close while organisations' deadline extensions are still running.",
  },
  'round-not-in-assessment': {
    status: 409,
    message: 'Assessment work happens only while the round is in assessment.',
  },
  'round-settings-inconsistent': {
    status: 422,
    message: 'The round settings do not agree with each other; see errors.',
  },
  'round-code-taken': {
    status: 409,
    message: 'This round code is already used by another round; choose another.',
  },
  'round-closed-out': {
    status: 409,
    message: 'The round is closed out: nothing about its money changes any more.',
  },
  'round-not-taking-bids': {
    status: 409,
    message: 'Deadline extensions are given or changed only while a round is open for bids.',
  },
  'deadline-passed': {
    status: 409,
    message:
      "The organisation's deadline has passed: an extension can only be given or changed while it is still running.",
  },
  'organisation-may-not-bid': {
    status: 422,
    message:
      'This organisation may not bid in the round (its type is not eligible, or it is deactivated).',
  },
  'extension-not-later': {
    status: 422,
    message: 'An extension must close later than the round does, and in the future.',
  },
  'extension-beyond-cap': {
    status: 422,
    message: "An extension may run at most the round's allowed number of days after it closes.",
  },
});

export const roundError = errorsOf(ROUND_ERRORS);
