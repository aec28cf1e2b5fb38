import { errorCatalogue, errorsOf } from '../common/error-catalogue';

// Why erasing a user's personal data is refused.
export const RETENTION_ERRORS = errorCatalogue({
  'own-erasure': { status: 403, message: 'You cannot erase your own account.' },
  'user-active': {
    status: 409,
    message:
      'Only a deactivated user can be erased: deactivate the user first (POST /users/{id}/deactivate).',
  },
});

export const retentionError = errorsOf(RETENTION_ERRORS);
