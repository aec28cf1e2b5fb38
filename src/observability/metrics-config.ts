import { isIP } from 'node:net';
import { Env, integer } from '../config/env-readers';

// Where Prometheus scrapes: a port of its own (every process role, the worker included), the
// API's own port behind a bearer token, or both. Neither set: no metrics endpoint at all.
export interface MetricsConfig {
  // METRICS_PORT: a plain HTTP server answering GET /metrics on METRICS_HOST.
  port?: number;
  host: string;
  // METRICS_TOKEN: GET /metrics on the API's port, for `Authorization: Bearer <token>` only.
  token?: string;
}

export const METRICS_TOKEN_MIN_LENGTH = 32;
const TOKEN = /^[\x21-\x7e]+$/;
const HOSTNAME =
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function loadMetricsConfig(
  env: Env,
  context: { apiPort: number | undefined },
  problems: string[],
): MetricsConfig {
  const port = env.METRICS_PORT ? integer(env, 'METRICS_PORT', 0, 1, 65535, problems) : undefined;
  if (port !== undefined && port === context.apiPort) {
    problems.push(
      `METRICS_PORT (${port}) must differ from PORT: the metrics server listens beside the API`,
    );
  }
  const host = env.METRICS_HOST || '127.0.0.1';
  if (isIP(host) === 0 && !HOSTNAME.test(host)) {
    problems.push(`METRICS_HOST must be an IP address or a host name (got "${host}")`);
  }
  return { port: port || undefined, host, token: metricsToken(env, problems) };
}

// Compared with what a scraper sends, so it must be long enough not to be guessed and free of
// spaces (it travels in a header).
function metricsToken(env: Env, problems: string[]): string | undefined {
  const value = env.METRICS_TOKEN;
  if (value === undefined || value === '') {
    return undefined;
  }
  if (value.length < METRICS_TOKEN_MIN_LENGTH || value.length > 512 || !TOKEN.test(value)) {
    problems.push(
      `METRICS_TOKEN must be ${METRICS_TOKEN_MIN_LENGTH} to 512 printable characters without spaces; make one with openssl rand -base64 32`,
    );
  }
  return value;
}
