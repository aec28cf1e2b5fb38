import { Injectable } from '@nestjs/common';
import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import type { JobOrigin, Originated } from '../queues/queues';
import { runInRequestContext } from './request-context';
import { loggableError } from './log-redaction';

const tracer = trace.getTracer('safer-streets-grants-jobs');

// Every queue consumer (QueueConsumer) runs its jobs through this: the origin the job carries
// (the request that queued it, its trace) is restored around the work, so the job's log lines,
// the outbox rows it writes and the jobs it queues name that request, and its span continues
// that trace; then one line per job: queue, name, id, attempt, outcome, duration, request id.
@Injectable()
export class JobRunner {
  constructor(private readonly logger: PinoLogger) {
    logger.setContext('Jobs');
  }

  // `stop` is the signal the worker gives a job it asks to stop at shutdown: a job that ends
  // because of it is logged as handed back, not as failed.
  run<T>(queue: string, job: Job, work: () => Promise<T>, stop?: AbortSignal): Promise<T> {
    const origin = originOf(job);
    const fields = {
      queue,
      jobName: job.name,
      jobId: job.id,
      attempt: job.attemptsMade + 1,
    };
    const parent = origin.traceparent
      ? propagation.extract(ROOT_CONTEXT, { traceparent: origin.traceparent })
      : ROOT_CONTEXT;
    const attributes = {
      'messaging.system': 'bullmq',
      'messaging.destination.name': queue,
      'messaging.operation.name': job.name,
      'messaging.message.id': job.id ?? '',
      ...(origin.requestId ? { 'request.id': origin.requestId } : {}),
    };
    const observed = () =>
      tracer.startActiveSpan(
        `${queue} ${job.name}`,
        { kind: SpanKind.CONSUMER, attributes },
        parent,
        async (span) => {
          const started = performance.now();
          try {
            const result = await work();
            const counts = countsOf(result);
            this.logger.info(
              {
                ...fields,
                outcome: 'completed',
                durationMs: elapsed(started),
                ...(counts ? { result: counts } : {}),
              },
              'job completed',
            );
            return result;
          } catch (error) {
            if (stop?.aborted) {
              this.logger.info(
                { ...fields, outcome: 'handed back', durationMs: elapsed(started) },
                'job stopped at shutdown, handed back to the queue',
              );
              throw error;
            }
            const { message } = loggableError(error);
            span.setStatus({ code: SpanStatusCode.ERROR, message });
            this.logger.warn(
              { ...fields, outcome: 'failed', error: message, durationMs: elapsed(started) },
              'job failed',
            );
            throw error;
          } finally {
            span.end();
          }
        },
      );
    // The request id is bound to every line the job writes, this one included.
    const request = origin.requestId ? { requestId: origin.requestId } : undefined;
    return runInRequestContext(request, () =>
      this.logger.runInContext(observed, { bindings: request ?? {} }),
    );
  }
}

function originOf(job: Job): JobOrigin {
  const data = job.data as Originated | undefined;
  const origin = data?.origin;
  return origin && typeof origin === 'object' ? origin : {};
}

// A job's result goes into its line only when it is a few counts by name (a reminder scan's
// emails per kind), which can name nobody; any other result (text, ids, objects) is left out.
export function countsOf(result: unknown): Record<string, number> | undefined {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    return undefined;
  }
  const entries = Object.entries(result);
  const counts =
    entries.length > 0 &&
    entries.length <= 20 &&
    entries.every(
      ([name, value]) =>
        /^[a-z][a-z0-9_-]{0,63}$/i.test(name) && Number.isInteger(value) && (value as number) >= 0,
    );
  return counts ? Object.fromEntries(entries as [string, number][]) : undefined;
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
