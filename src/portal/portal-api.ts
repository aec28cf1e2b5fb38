import {
  ApiProblem,
  createGrantsClient,
  type GrantsClient,
  type Problem,
  type Session,
} from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER } from '../observability/request-context';

// The portal calls this application's own /api/v1 through the client package, as any portal
// would, but over Fastify's in-process injection instead of a socket: each call runs the whole
// HTTP pipeline (routing, guards, validation, limits, logging) and the API sees the person's own
// address (the injected peer), so the per-address sign-in limits count people, not the portal,
// with no X-Forwarded-For to trust.
const BASE_URL = 'http://portal.invalid';

export function injectingFetch(app: FastifyInstance, from: FastifyRequest): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const answer = await app.inject({
      method: request.method as 'GET',
      url: `${url.pathname}${url.search}`,
      headers: Object.fromEntries(request.headers),
      remoteAddress: from.ip,
      ...(body ? { payload: body } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const one of Array.isArray(value) ? value : [value]) {
        if (one !== undefined) {
          headers.append(name, String(one));
        }
      }
    }
    const empty = answer.statusCode === 204 || answer.statusCode === 304;
    return new Response(empty ? null : answer.rawPayload, {
      status: answer.statusCode,
      headers,
    });
  };
}

// A client for one page request: the person's session (if any), their browser's user agent and
// the page's request id carried to the API, so its logs and session list show the same.
export function portalClient(
  app: FastifyInstance,
  request: FastifyRequest,
  session: Session | null,
  onSessionChange?: (session: Session | null) => void,
): GrantsClient {
  const userAgent = request.headers['user-agent'];
  return createGrantsClient({
    baseUrl: BASE_URL,
    session,
    onSessionChange,
    fetch: injectingFetch(app, request),
    headers: {
      [REQUEST_ID_HEADER]: request.id,
      ...(userAgent ? { 'user-agent': userAgent } : {}),
    },
  });
}

// The API's answer to a refresh token: the next pair, or null when it refuses (session over).
export async function refreshedTokens(
  app: FastifyInstance,
  request: FastifyRequest,
  tokens: Session,
): Promise<Session | null> {
  const api = portalClient(app, request, null);
  const { data } = await api.POST('/api/v1/auth/refresh', {
    body: { refreshToken: tokens.refreshToken },
  });
  return data ? { accessToken: data.accessToken, refreshToken: data.refreshToken } : null;
}

// A file from the API, streamed to the browser rather than held: the client's injected fetch
// buffers a whole answer in memory, and an export can be hundreds of MB. Still one injected
// request through the API's whole pipeline (its guards decide who may have the file) as the
// signed-in person, but with light-my-request's payloadAsStream its body flows with
// backpressure. A refusal (small problem+json) is read and thrown as the ApiProblem it is.
export async function streamFromApi(
  app: FastifyInstance,
  from: FastifyRequest,
  session: Session,
  path: string,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const userAgent = from.headers['user-agent'];
  const answer = await app.inject({
    method: 'GET',
    url: path,
    headers: {
      authorization: `Bearer ${session.accessToken}`,
      [REQUEST_ID_HEADER]: from.id,
      ...(userAgent ? { 'user-agent': userAgent } : {}),
    },
    remoteAddress: from.ip,
    payloadAsStream: true,
  });
  const body = answer.stream();
  if (answer.statusCode !== 200) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
    }
    let problem: Problem | undefined;
    try {
      problem = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Problem;
    } catch {
      problem = undefined;
    }
    throw new ApiProblem(answer.statusCode, problem);
  }
  for (const name of ['content-type', 'content-disposition', 'content-length']) {
    const value = answer.headers[name];
    if (typeof value === 'string' || typeof value === 'number') {
      void reply.header(name, value);
    }
  }
  return reply.header('cache-control', 'no-store').send(body);
}
