import { context, propagation } from '@opentelemetry/api';
import type { JobOrigin } from '../queues/queues';
import { currentRequestId } from './request-context';

// The request and trace the code runs for, to put on a job it queues or an outbox row it
// writes; undefined outside both (a scheduled scan).
export function currentJobOrigin(): JobOrigin | undefined {
  const carrier: Record<string, string> = {};
  // A no-op until tracing is started (tracing.ts): then the active span's traceparent.
  propagation.inject(context.active(), carrier);
  const origin: JobOrigin = {};
  const requestId = currentRequestId();
  if (requestId) {
    origin.requestId = requestId;
  }
  if (carrier.traceparent) {
    origin.traceparent = carrier.traceparent;
  }
  return origin.requestId || origin.traceparent ? origin : undefined;
}

// Job data with the origin of the code queuing it.
export function withOrigin<T extends object>(data: T): T & { origin?: JobOrigin } {
  const origin = currentJobOrigin();
  return origin ? { ...data, origin } : data;
}
