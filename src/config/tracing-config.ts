import { loadObservabilityConfig } from '../observability/observability-config';
import { PROCESS_ROLES, type ProcessRole } from './app-config';
import { type Env, oneOf } from './env-readers';

// What the tracing preload (src/observability/start-tracing.ts) needs before anything else
// loads: the collector's address and the process's role, read with loadConfig's own readers and
// nothing more, so that pg, ioredis and the HTTP server are not loaded yet. Undefined when
// tracing is off or a setting is bad: loadConfig then stops the start, naming it with any other.
export function loadTracingConfig(
  env: Env = process.env,
): { otlpEndpoint: string; role: ProcessRole } | undefined {
  const problems: string[] = [];
  const { otlpEndpoint } = loadObservabilityConfig(env, 'production', problems);
  const role = oneOf<ProcessRole>(env, 'PROCESS_ROLE', PROCESS_ROLES, 'all', problems);
  return problems.length === 0 && otlpEndpoint ? { otlpEndpoint, role } : undefined;
}
