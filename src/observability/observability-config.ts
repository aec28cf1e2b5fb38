import { Env, oneOf, url } from '../config/env-readers';

// pino's levels, quietest last; `silent` writes nothing.
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ObservabilityConfig {
  // LOG_LEVEL; JSON lines on stdout at this level and above.
  logLevel: LogLevel;
  // Human-readable lines (pino-pretty) instead of JSON: development only.
  prettyLogs: boolean;
  // OTEL_EXPORTER_OTLP_ENDPOINT: where traces go over OTLP/HTTP; unset, tracing is off.
  otlpEndpoint: string | undefined;
}

// Read on its own by the tracing start (before the rest of the configuration and the modules
// it instruments are loaded), and by loadConfig with the rest, which reports its problems.
export function loadObservabilityConfig(
  env: Env,
  nodeEnv: 'development' | 'test' | 'production',
  problems: string[],
): ObservabilityConfig {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return {
    logLevel: oneOf<LogLevel>(env, 'LOG_LEVEL', LOG_LEVELS, 'info', problems),
    prettyLogs: nodeEnv === 'development',
    otlpEndpoint:
      endpoint === undefined || endpoint === ''
        ? undefined
        : url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', '', ['http:', 'https:'], problems),
  };
}
