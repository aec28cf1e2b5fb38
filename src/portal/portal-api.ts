import { createGrantsClient, type GrantsClient, type Session } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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
