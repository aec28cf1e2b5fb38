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
      new HttpInstrumentation(),
      new PgInstrumentation(),
      new IORedisInstrumentation(),
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
