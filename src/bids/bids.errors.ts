import { errorCatalogue, errorsOf } from '../common/error-catalogue';

// Every way drafting, submitting, endorsing, withdrawing or deciding a bid is refused.
export const BID_ERRORS = errorCatalogue({
  'bid-not-in-assessment': { status: 409, message: 'This bid is no longer being assessed.' },
  'endorsement-not-needed': {
    status: 409,
    message: 'This bid is led by the PCC itself and needs no endorsement.',
  },
  'endorsement-decided': {
    status: 409,
    message: "The PCC's endorsement decision on this bid was already made; that decision stands.",
  },
  'bid-not-submitted': {
    status: 409,
    message: 'Only a submitted bid can be endorsed or declined.',
  },
  'ranking-invalid': {
    status: 422,
    message: 'The ranking must list each of your area’s endorsed bids exactly once; see errors.',
  },
  'not-a-pcc': {
    status: 403,
    message:
      'Only the applicants of a Police and Crime Commissioner’s office endorse and rank bids.',
  },
  'round-past-endorsement': {
    status: 409,
    message: 'Endorsement and ranking ended when assessment began.',
  },
  'bid-withdrawn': { status: 409, message: 'This bid was withdrawn; start a new bid instead.' },
  'bid-ineligible': {
    status: 422,
    message: "The bid breaks the round's rules; each is listed in errors (field names the rule).",
  },
  'bid-not-withdrawable': {
    status: 409,
    message:
      'A decision has been made (or the bid is already withdrawn), so it can no longer be withdrawn.',
  },
  'round-not-open': { status: 409, message: 'The round is not open for bids now.' },
  'bid-frozen': {
    status: 409,
    message: 'The bid was submitted and is frozen; it cannot be edited.',
  },
  'bid-content-invalid': {
    status: 422,
    message: 'Some parts of the bid do not fit the round; see errors.',
  },
  'bid-not-failable': {
    status: 409,
    message: 'Only a submitted bid not yet decided can fail eligibility.',
  },
  'bid-not-decidable': { status: 409, message: 'Only a bid with a final score gets an outcome.' },
  'bid-documents-not-ready': {
    status: 409,
    message:
      'The bid has documents not yet scanned clean; wait for the scan (usually under a minute), or delete them, then submit again.',
  },
});

export const bidError = errorsOf(BID_ERRORS);
