import { ApiProblem, type GrantsClient } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteGenericInterface } from 'fastify';
import { allowFormsTo } from '../common/content-security-policy';
import { portalClient, refreshedTokens } from './portal-api';
import { inPortalWords } from './api-wording';
import { logPortalFailure } from './portal-log';
import { mayOpenPage } from './page-access';
import type { PortalSession, PortalSessions } from './portal-sessions';
import type { FieldProblem, PageFrame, PortalViews } from './portal-views';

// What every page handler works with.
export interface Portal {
  // The application's root Fastify instance, which the portal's API calls are injected into.
  app: FastifyInstance;
  views: PortalViews;
  sessions: PortalSessions;
  // Single sign-on, when the API has it for the portal (see sso.pages.ts).
  sso?: PortalSso;
}

// How the sign-in page offers single sign-on, the provider's origin its button's form leads to,
// and the portal page the provider comes back to.
export interface PortalSso {
  providerName: string;
  providerOrigin: string;
  callbackUrl: string;
}

// The browser keeps only a random id: HttpOnly (no script reads it), Secure (never sent over
// plain HTTP; browsers allow it on http://localhost for development), SameSite=Lax (not sent
// with another site's form posts).
export const SESSION_COOKIE = 'ssg-session';
export const COOKIE_OPTIONS = {
  httpOnly: true,
  secure: true,
  sameSite: 'lax',
  path: '/',
} as const;

// A page's frame: its title, the form token and who is signed in.
export function frame(
  reply: FastifyReply,
  title: string,
  session?: PortalSession,
  extra: Partial<PageFrame> = {},
): PageFrame {
  return { title, csrf: reply.generateCsrf(), user: session?.user, ...extra };
}

// A page showing the SSO button, whose form is answered with a redirect to the provider: its
// forms may lead there too (browsers hold a form's redirects to the page's form-action; other
// pages keep 'self' only).
export function allowSsoForm(portal: Portal, reply: FastifyReply): void {
  if (portal.sso) {
    allowFormsTo(reply, [portal.sso.providerOrigin]);
  }
}

export function sendPage(
  portal: Portal,
  reply: FastifyReply,
  page: string,
  pageFrame: PageFrame,
  data: Record<string, unknown> = {},
  status = 200,
): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .send(portal.views.render(page, pageFrame, data));
}

// A session that is signed in, with a client calling the API as its user.
export interface SignedIn {
  id: string;
  session: PortalSession;
  // The API's tokens, fresh (for streaming an answer through, which the client cannot).
  tokens: NonNullable<PortalSession['tokens']>;
  api: GrantsClient;
}

// The signed-in session of this request, its tokens refreshed when about to run out; or
// undefined after sending the browser to sign in (with where it was going kept).
export async function signedIn(
  portal: Portal,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<SignedIn | undefined> {
  const id = request.cookies[SESSION_COOKIE];
  const session = await portal.sessions.read(id);
  const tokens =
    id && session?.tokens
      ? await portal.sessions.freshTokens(id, session, (old) =>
          refreshedTokens(portal.app, request, old),
        )
      : undefined;
  if (!id || !session || !tokens) {
    await sendToSignIn(portal, request, reply, Boolean(session?.tokens));
    return undefined;
  }
  const api = portalClient(portal.app, request, tokens, (changed) => {
    // The client refreshed after a 401 (or the API refused its refresh): keep what it has now.
    // Not awaited by the client; a Redis that fails here is logged, never an unhandled
    // rejection (which would stop the process).
    (changed
      ? portal.sessions.save(id, { ...session, tokens: changed })
      : portal.sessions.end(id)
    ).catch((error: unknown) =>
      logPortalFailure('warn', request, error, 'portal session not kept'),
    );
  });
  return { id, session: { ...session, tokens }, tokens, api };
}

// A page handler for signed-in people: it is handed who is signed in; anyone else is sent to
// sign in (see signedIn), and a person whose role may not open the page (page-access.ts) is
// refused, and the handler never runs.
export function forSignedIn<Route extends RouteGenericInterface = RouteGenericInterface>(
  portal: Portal,
  handle: (me: SignedIn, request: FastifyRequest<Route>, reply: FastifyReply) => Promise<unknown>,
): (request: FastifyRequest<Route>, reply: FastifyReply) => Promise<unknown> {
  return async (request, reply) => {
    const me = await signedIn(portal, request, reply);
    if (!me) {
      return reply;
    }
    // Someone whose role has no use for the page gets the 403 page, as from the API.
    if (!mayOpenPage(request.routeOptions.url ?? request.url, me.session.user?.role)) {
      throw new ApiProblem(403, undefined);
    }
    return handle(me, request, reply);
  };
}

// To the sign-in page, remembering the page asked for (a GET of a portal path only). A session
// that had been signed in says it ended.
async function sendToSignIn(
  portal: Portal,
  request: FastifyRequest,
  reply: FastifyReply,
  ended: boolean,
): Promise<void> {
  const returnTo = request.method === 'GET' ? request.url : undefined;
  const id = await portal.sessions.begin({ returnTo });
  void reply.setCookie(SESSION_COOKIE, id, COOKIE_OPTIONS);
  await reply.redirect(ended ? '/sign-in?ended=1' : '/sign-in', 303);
}

// A form field an API field's errors are shown at, and what to say when the person left it
// empty (GOV.UK asks for a missing answer in words of its own: "Enter the reason ...") or, where
// the form asks for it differently from the API (a day, not an instant), whatever the refusal.
export interface FormField {
  field: string;
  // What the person sent in it, and what to say when that was nothing.
  missing?: { value: string; say: string };
  refused?: string;
}
export type FormFields =
  Record<string, string | FormField> | ((apiField: string) => string | undefined);

// The refused fields of an API problem as a form shows them: each field error on the page's
// field of that name (`fields` maps the API's field names to the form's, as a table or, for
// forms with repeated rows, a function), the rest summarised, every sentence in the portal's
// words (api-wording.ts).
// A 401 is the person's to fix only where they are proving who they are (`signingIn`);
// elsewhere it means the session ended, and the error page sends them to sign in again.
export function formProblems(
  error: unknown,
  fields: FormFields = {},
  signingIn = false,
): FieldProblem[] | undefined {
  if (
    !(error instanceof ApiProblem) ||
    error.status >= 500 ||
    (error.status === 401 && !signingIn)
  ) {
    return undefined;
  }
  const formField = (name: string): FormField | undefined => {
    const found = typeof fields === 'function' ? fields(name) : fields[name];
    return typeof found === 'string' ? { field: found } : found;
  };
  const listed = (error.problem?.errors ?? []).map((fieldError) => {
    const shown = formField(fieldError.field);
    return {
      field: shown?.field ?? '',
      message:
        shown?.missing && shown.missing.value.trim() === ''
          ? shown.missing.say
          : (shown?.refused ?? inPortalWords(fieldError.message, fieldError.field)),
    };
  });
  // A refusal naming no field is shown against the form's first field.
  const firstField = typeof fields === 'function' ? undefined : Object.values(fields)[0];
  const first = typeof firstField === 'object' ? firstField.field : (firstField ?? '');
  return listed.length > 0 ? listed : [{ field: first, message: inPortalWords(error.message) }];
}

// The version a form was made from (its hidden `version`), as the If-Match header that sends
// it, so a change made since is refused (412). A form with no readable version (missing, or
// tampered with: `abc`, `-1`) sends version 0, which the API refuses as changed since: with no
// header at all the client would send the version it last read, and the form would overwrite
// whatever was saved after it was made.
export function ifMatchOf(body: unknown): { 'if-match': string } {
  const version = formValue(body, 'version');
  return { 'if-match': `"${/^\d+$/.test(version) ? version : '0'}"` };
}

// A form's key (its hidden field `name`, made when the page was), as the Idempotency-Key header,
// so the same form sent twice does its thing once: none when it is not a key the API takes.
export function idempotencyKeyOf(body: unknown, name: string): { 'idempotency-key'?: string } {
  const key = formValue(body, name);
  return /^[\x21-\x7e]{1,200}$/.test(key) ? { 'idempotency-key': key } : {};
}

// A form value as one string (a repeated name keeps its first value).
export function formValue(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof first === 'string' ? first : '';
}
