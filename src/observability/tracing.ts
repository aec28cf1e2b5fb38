import type { NodeSDK } from '@opentelemetry/sdk-node';

let sdk: NodeSDK | undefined;

// Starts tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set. Must run before pg, ioredis and the HTTP
// server are loaded (start-tracing.ts, imported first by main.ts), or they go uninstrumented, so
// the SDK is loaded here, synchronously, and only then: with tracing off a process never loads it.
export function startTracing(endpoint: string, role: string): void {
  if (sdk) {
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on
  const { startTracingSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  sdk = startTracingSdk(endpoint, role);
}

// Sends the spans still waiting in the batch and stops; safe to call more than once, and when
// tracing never started. Called on application shutdown (TracingShutdownService) and free for any
// other shutdown path to call.
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}
