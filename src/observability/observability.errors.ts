import { errorCatalogue } from '../common/error-catalogue';

// The metrics route's one refusal (it answers Prometheus, outside the API and its document).
export const OBSERVABILITY_ERRORS = errorCatalogue({
  'metrics-token-wrong': {
    status: 401,
    message: 'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.',
  },
});
