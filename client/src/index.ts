import createClient, { type Client } from 'openapi-fetch';
import type { ClientPaths } from './relaxed-paths';
import type { components } from './schema';
import { SessionKeeper, type Session } from './session';
import { VersionTags } from './version-tags';

export type { components, operations, paths } from './schema';
export type { Session } from './session';
export type Schemas = components['schemas'];
export type Problem = Schemas['ProblemDto'];
export type User = Schemas['UserDto'];

export interface GrantsClientOptions {
  // Where the API is served, without the `/api/v1` prefix (the paths carry it):
  // `https://grants.example.gov.uk`.
  baseUrl: string;
  // The session to start with, e.g. restored from the portal's own session store.
  session?: Session | null;
  // Called whenever the tokens change (sign-in, each refresh, sign-out, a refresh refused), so
  // the caller can store the new pair: every refresh token is good once.
  onSessionChange?: (session: Session | null) => void;
  // Headers sent on every call (a portal might forward `X-Request-Id`).
  headers?: Record<string, string>;
  // The fetch to use; the platform's by default.
  fetch?: typeof globalThis.fetch;
}

// A password sign-in either ends signed in, or (staff with a second factor) asks for a code.
export type SignInStep =
  | { signedIn: true; user: User }
  | { signedIn: false; challenge: string; expiresIn: number; methods: string[] };

// Every route of the API, typed from its OpenAPI document (GET, POST, PATCH, PUT, DELETE take
// the path as the document writes it; If-Match optional, see ClientPaths), plus the session's
// life.
export interface GrantsClient extends Client<ClientPaths> {
  session(): Session | null;
  // Password sign-in; a `signedIn: false` step is finished with completeSecondFactor.
  signIn(email: string, password: string): Promise<SignInStep>;
  completeSecondFactor(challenge: string, code: string): Promise<User>;
  // Single sign-on, finished on the page the provider sent the browser back to (one asked for
  // with `GET /auth/sso/start?redirectUrl=`): that page's query (code, state, iss or error)
  // is brought to the API's callback, which answers with the session.
  completeSso(query: URLSearchParams): Promise<User>;
  // Confirms the second factor being enrolled with a code from the app; the session continues
  // on the new tokens the API answers, proven by that factor.
  confirmSecondFactor(code: string): Promise<User>;
  // Ends the session at the API (its refresh token too) and forgets it here.
  signOut(): Promise<void>;
}

// The client a portal uses. On top of the generated types it does two things every caller would
// otherwise write again:
// - sessions: sends the access token, and when the API answers 401 to a call that carried one,
//   exchanges the refresh token once (concurrent calls share that one exchange) and repeats the
//   call; a refused refresh ends the session (`onSessionChange(null)`).
// - optimistic concurrency: remembers the strong ETag of each resource it has read or changed and
//   sends it as `If-Match` when that resource is changed (PATCH, PUT, DELETE) or a command is
//   posted to it (`POST /bids/{id}/submit`), unless the call sets `If-Match` itself. A 412 answer
//   then means someone else changed it since: read it again.
export function createGrantsClient(options: GrantsClientOptions): GrantsClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const platformFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const tags = new VersionTags();
  const keeper = new SessionKeeper(baseUrl, platformFetch, options);
  const send = async (request: Request): Promise<Response> => {
    tags.tagRequest(request);
    const response = await keeper.send(request);
    tags.remember(request, response);
    return response;
  };
  const api = createClient<ClientPaths>({
    baseUrl,
    headers: options.headers,
    fetch: send,
  }) as GrantsClient;

  api.session = () => keeper.current();
  api.signIn = async (email, password) => {
    const { data, error, response } = await api.POST('/api/v1/auth/login', {
      body: { email, password },
    });
    const answer = succeeded(data, error, response);
    if ('challenge' in answer) {
      return {
        signedIn: false,
        challenge: answer.challenge,
        expiresIn: answer.expiresIn,
        methods: answer.methods,
      };
    }
    keeper.begin(answer);
    return { signedIn: true, user: answer.user };
  };
  api.completeSecondFactor = async (challenge, code) => {
    const { data, error, response } = await api.POST('/api/v1/auth/login/second-factor', {
      body: { challenge, code },
    });
    const answer = succeeded(data, error, response);
    keeper.begin(answer);
    return answer.user;
  };
  api.completeSso = async (query) => {
    const pick = (name: string) => query.get(name) ?? undefined;
    const { data, error, response } = await api.GET('/api/v1/auth/sso/callback', {
      params: {
        query: { code: pick('code'), state: pick('state'), iss: pick('iss'), error: pick('error') },
      },
    });
    const answer = succeeded(data, error, response);
    keeper.begin(answer);
    return answer.user;
  };
  api.confirmSecondFactor = async (code) => {
    const { data, error, response } = await api.POST('/api/v1/me/second-factor/confirm', {
      body: { code },
    });
    const answer = succeeded(data, error, response);
    keeper.begin(answer);
    return answer.user;
  };
  api.signOut = async () => {
    if (keeper.current()) {
      await api.POST('/api/v1/auth/logout');
    }
    keeper.end();
  };
  return api;
}

// An answer the API refused, with its problem+json body.
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `The API answered ${status}`);
    this.name = 'ApiProblem';
  }

  get code(): string | undefined {
    return this.problem?.code;
  }
}

// The data of a call that must succeed; otherwise an ApiProblem with the API's problem. A 204
// (No Content: a password reset completed, a document removed, a sign-out) succeeded with no
// data, and resolves to undefined.
export async function expectOk<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  return succeeded(data, error, response);
}

function succeeded<T>(data: T | undefined, error: unknown, response: Response): T {
  // openapi-fetch gives neither data nor error for an answer without a body: the status says
  // which it was. Any other success without data is not the answer the route promises.
  const noContent = response.status === 204 && data === undefined;
  if (error !== undefined || !response.ok || (data === undefined && !noContent)) {
    throw new ApiProblem(response.status, isProblem(error) ? error : undefined);
  }
  return data as T;
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'status' in value;
}

// The body of a document upload (`POST /bids/{id}/documents`, `POST /returns/{id}/documents`):
// one file part, sent as multipart/form-data. The document types the part as a binary string;
// openapi-fetch sends a FormData as it is, with its boundary.
export function documentUpload(file: Blob, fileName: string): { file: string } {
  const form = new FormData();
  form.append('file', file, fileName);
  return form as unknown as { file: string };
}
