import { errorCatalogue, errorsOf } from '../common/error-catalogue';

// Why an email in the outbox cannot be retried or sent.
export const NOTIFICATION_ERRORS = errorCatalogue({
  'email-not-failed': { status: 409, message: 'Only a failed email can be retried.' },
  'email-refused': { status: 422, message: 'The email cannot be queued; see errors.' },
});

export const notificationError = errorsOf(NOTIFICATION_ERRORS);
