import { loadTracingConfig } from '../config/tracing-config';
import { startTracing } from './tracing';

// Imported first by main.ts, before anything loads pg, ioredis or the HTTP server, so their
// instrumentation is in place. A bad setting leaves tracing off here and stops the start in
// loadConfig, which lists it with any other problem.
const tracing = loadTracingConfig();
if (tracing) {
  startTracing(tracing.otlpEndpoint, tracing.role);
}
