import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';

let sdk: NodeSDK | undefined;

// OpenTelemetry traces of HTTP requests, SQL and Redis commands, and jobs (job-runner.ts), sent
// as OTLP/HTTP JSON to `<endpoint>/v1/traces`. Must run before pg, ioredis and the HTTP server
// are loaded (start-tracing.ts, imported first by main.ts), or they go uninstrumented.
export function startTracing(endpoint: string, role: string): void {
  if (sdk) {
    return;
  }
  sdk = new NodeSDK({
    serviceName: `safer-streets-grants-${role}`,
    autoDetectResources: false,
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }),
    // Traces only: the SDK would otherwise also send logs to the same endpoint.
    logRecordProcessors: [],
    instrumentations: [
      // A query string can hold a token (account pages' links, the SSO callback's code and
      // state) or a search for a person: server spans keep the path only.
      new HttpInstrumentation({
        requestHook: (span, request) => {
          const url = 'url' in request ? request.url : undefined;
          if (typeof url === 'string' && url.includes('?')) {
            const path = url.slice(0, url.indexOf('?'));
            span.setAttribute('url.query', '[redacted]');
            span.setAttribute('http.target', path);
            span.setAttribute('http.url', path);
          }
        },
      }),
      // SQL with its $n placeholders, never the values (pg's default).
      new PgInstrumentation(),
      // The command's name only: BullMQ's EVALSHA carries job data (a password reset's email),
      // and GETDEL an SSO state.
      new IORedisInstrumentation({ dbStatementSerializer: (command) => command }),
    ],
  });
  sdk.start();
}

// Sends the spans still waiting in the batch and stops; safe to call more than once, and when
// tracing never started. Called on application shutdown (TracingShutdown) and free for any
// other shutdown path to call.
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}

export function tracingStarted(): boolean {
  return sdk !== undefined;
}
