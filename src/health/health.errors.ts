import { errorCatalogue, errorsOf } from '../common/error-catalogue';

// Why the readiness probe answers not ready.
export const HEALTH_ERRORS = errorCatalogue({
  'not-ready': {
    status: 503,
    message: 'Not ready: a service this process needs is unavailable; try again shortly.',
  },
});

export const healthError = errorsOf(HEALTH_ERRORS);
