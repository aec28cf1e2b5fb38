import { errorCatalogue, errorsOf } from '../common/error-catalogue';

// Every way writing, submitting or reviewing a quarterly return, or recording a payment, is refused.
export const RETURN_ERRORS = errorCatalogue({
  'return-draft-invalid': {
    status: 422,
    message: 'The draft was not saved: fix the fields listed in errors.',
  },
  'return-not-submittable': {
    status: 422,
    message: 'The return cannot be submitted yet; see errors.',
  },
  'return-frozen': {
    status: 409,
    message:
      'This return was frozen when submitted (or cancelled) and can change only if finance sends it back.',
  },
  'payment-by-return-reviewer': {
    status: 403,
    message:
      'You approved this return, so another member of finance must record its payment (separation of duties).',
  },
  'payment-already-made': { status: 409, message: 'This payment was already recorded as made.' },
  'payment-date-invalid': { status: 422, message: 'The payment was not recorded.' },
  'approval-invalid': { status: 422, message: 'Nothing was approved; see errors.' },
  'return-not-submitted': { status: 409, message: 'Only a submitted return can be reviewed.' },
  'submission-changed': {
    status: 409,
    message:
      'A later submission is the one waiting for review; read the return again before reviewing it.',
  },
  'return-documents-not-ready': {
    status: 409,
    message:
      'The return has documents not yet scanned clean; wait for the scan (usually under a minute), or delete them, then submit again.',
  },
});

export const returnError = errorsOf(RETURN_ERRORS);
