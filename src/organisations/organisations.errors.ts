import { errorCatalogue, errorsOf } from '../common/error-catalogue';

// Every way creating or changing an organisation is refused, and an inactive organisation's.
export const ORGANISATION_ERRORS = errorCatalogue({
  'organisation-invalid': { status: 422, message: 'The organisation is inconsistent; see errors.' },
  'organisation-exists': {
    status: 409,
    message: 'An organisation with this name (or a PCC for this force area) already exists.',
  },
  'organisation-inactive': {
    status: 409,
    message:
      'Your organisation is deactivated, so it cannot submit bids; contact the programme team.',
  },
});

export const organisationError = errorsOf(ORGANISATION_ERRORS);
