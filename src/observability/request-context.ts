import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

// What any code running for a request (or for a job a request caused) may ask about it.
export interface RequestContext {
  // The request's id: the caller's X-Request-Id when valid, else one made here; in a job, the
  // id of the request that queued it.
  requestId: string;
}

export const REQUEST_ID_HEADER = 'x-request-id';
// Letters, digits and . _ : - up to 128: enough for UUIDs, ULIDs and load balancers' trace ids,
// and nothing that could forge a log line or a header.
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const storage = new AsyncLocalStorage<RequestContext | undefined>();

// The caller's id when it is one we can safely repeat, otherwise a new UUID (never the bad one).
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && VALID_REQUEST_ID.test(header) ? header : randomUUID();
}

// Undefined runs `fn` outside any request (a job no request caused).
export function runInRequestContext<T>(context: RequestContext | undefined, fn: () => T): T {
  return storage.run(context, fn);
}

// Undefined outside a request or a job (start-up, timers, schedulers).
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
