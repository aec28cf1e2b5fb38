// Where the API lives under the host: every route but the health checks has this prefix.
export const API_PREFIX = 'api/v1';

// An absolute path under the API prefix, e.g. apiPath('/bids/1') = '/api/v1/bids/1'.
export function apiPath(path: string): string {
  return `/${API_PREFIX}${path.startsWith('/') ? path : `/${path}`}`;
}
