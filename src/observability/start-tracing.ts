import { PROCESS_ROLES } from '../config/app-config';
import { loadObservabilityConfig } from './observability-config';
import { startTracing } from './tracing';

// Imported first by main.ts, before anything loads pg, ioredis or the HTTP server, so their
// instrumentation is in place. It reads only the observability settings, with the same reader
// loadConfig uses; a bad value leaves tracing off here and stops the start in loadConfig, which
// lists it with any other problem.
const problems: string[] = [];
const settings = loadObservabilityConfig(process.env, 'production', problems);
const role = PROCESS_ROLES.find((known) => known === process.env.PROCESS_ROLE) ?? 'all';
if (problems.length === 0 && settings.otlpEndpoint) {
  startTracing(settings.otlpEndpoint, role);
}
