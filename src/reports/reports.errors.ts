import { errorCatalogue, errorsOf } from '../common/error-catalogue';

// Every way asking for or downloading an export or report is refused.
export const REPORT_ERRORS = errorCatalogue({
  'as-at-in-future': { status: 422, message: 'A summary is of what has happened.' },
  'round-not-published': {
    status: 409,
    message: 'The round is still a draft: it has no bids or awards to export until it opens.',
  },
  'too-many-open-exports': {
    status: 409,
    message:
      'You have the most exports open at once that are allowed; ask for another once one of them is done.',
  },
  'export-expired': {
    status: 410,
    message: "This export's file was deleted when its keeping period ended; ask for a new export.",
  },
  'export-not-ready': {
    status: 409,
    message: 'This export is not built yet (or failed); download it once its status is done.',
  },
  'export-file-missing': {
    status: 410,
    message: 'This export’s file is no longer stored; ask for the export again.',
  },
});

export const reportError = errorsOf(REPORT_ERRORS);
