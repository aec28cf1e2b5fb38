import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';

// The OpenTelemetry SDK, started: traces of HTTP requests, SQL and Redis commands, and jobs
// (job-runner.ts), sent as OTLP/HTTP JSON to `<endpoint>/v1/traces`. Loaded only when tracing is
// on (see tracing.ts): the SDK and its instrumentations take about 40 MB of every process.
export function startTracingSdk(endpoint: string, role: string): NodeSDK {
  const sdk = new NodeSDK({
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
  return sdk;
}
