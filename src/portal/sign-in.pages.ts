import { ApiProblem, expectOk, type GrantsClient, type User } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { portalClient } from './portal-api';
import {
  allowSsoForm,
  COOKIE_OPTIONS,
  formProblems,
  formValue,
  frame,
  type Portal,
  sendPage,
  SESSION_COOKIE,
} from './portal-request';
import { apiSessionOf, type PortalSession, type PortalUser } from './portal-sessions';

// Where a person lands once signed in, unless they were on their way to a page.
export const HOME_PAGE = '/tasks';

// Signing in (password, then the code from an authenticator app for staff) and out. Each step
// that changes who the browser is gets a new session id.
export function signInPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get('/', async (request, reply) => {
    const session = await portal.sessions.read(request.cookies[SESSION_COOKIE]);
    if (session?.tokens) {
      return reply.redirect(HOME_PAGE, 303);
    }
    return sendPage(portal, reply, 'start', frame(reply, 'Safer Streets grants'));
  });

  pages.get<{ Querystring: { ended?: string } }>('/sign-in', async (request, reply) => {
    const ended = request.query.ended === '1';
    allowSsoForm(portal, reply);
    return sendPage(portal, reply, 'sign-in', frame(reply, ended ? 'Sign in again' : 'Sign in'), {
      notice: ended ? 'You were signed out because your session ended. Sign in again.' : undefined,
      sso: portal.sso,
    });
  });

  pages.post('/sign-in', protect, async (request, reply) => {
    const email = formValue(request.body, 'email').trim();
    const password = formValue(request.body, 'password');
    const before = await portal.sessions.read(request.cookies[SESSION_COOKIE]);
    const api = portalClient(portal.app, request, null);
    try {
      const step = await api.signIn(email, password);
      if (!step.signedIn) {
        const challenge = { value: step.challenge, expiresAt: Date.now() + step.expiresIn * 1000 };
        return await replaceSession(
          portal,
          request,
          reply,
          { challenge, returnTo: before?.returnTo },
          '/sign-in/code',
        );
      }
      const signed: PortalSession = {
        tokens: api.session() ?? undefined,
        user: await shown(api, step.user),
      };
      return await replaceSession(portal, request, reply, signed, landing(before));
    } catch (error) {
      allowSsoForm(portal, reply);
      return refused(
        portal,
        reply,
        'sign-in',
        'Sign in',
        error,
        { email: 'email', password: 'password' },
        { email, sso: portal.sso },
      );
    }
  });

  pages.get('/sign-in/code', async (request, reply) => {
    const session = await portal.sessions.read(request.cookies[SESSION_COOKIE]);
    if (!session?.challenge || session.challenge.expiresAt < Date.now()) {
      return reply.redirect('/sign-in', 303);
    }
    return sendPage(portal, reply, 'sign-in-code', frame(reply, 'Enter your code'));
  });

  pages.post('/sign-in/code', protect, async (request, reply) => {
    const session = await portal.sessions.read(request.cookies[SESSION_COOKIE]);
    if (!session?.challenge) {
      return reply.redirect('/sign-in', 303);
    }
    const api = portalClient(portal.app, request, null);
    try {
      const user = await api.completeSecondFactor(
        session.challenge.value,
        formValue(request.body, 'code').replace(/\s+/g, ''),
      );
      const signed: PortalSession = {
        tokens: api.session() ?? undefined,
        user: await shown(api, user),
      };
      return await replaceSession(portal, request, reply, signed, landing(session));
    } catch (error) {
      return refused(portal, reply, 'sign-in-code', 'Enter your code', error, {
        code: 'code',
        challenge: 'code',
      });
    }
  });

  pages.post('/sign-out', protect, async (request, reply) => {
    await endSession(portal, request);
    void reply.clearCookie(SESSION_COOKIE, COOKIE_OPTIONS);
    return sendPage(portal, reply, 'problem', frame(reply, 'You have signed out'), {
      heading: 'You have signed out',
      paragraphs: ['You have signed out of Safer Streets grants.'],
      link: { href: '/sign-in', text: 'Sign in again' },
    });
  });
}

// The browser's old session is ended (at the API too, when someone was signed in: a colleague
// signing in on a shared computer leaves no live session of the first person's behind) and a
// new id issued for what comes next.
export async function replaceSession(
  portal: Portal,
  request: FastifyRequest,
  reply: FastifyReply,
  next: PortalSession,
  location: string,
): Promise<FastifyReply> {
  await endSession(portal, request, next);
  const id = await portal.sessions.begin(next);
  void reply.setCookie(SESSION_COOKIE, id, COOKIE_OPTIONS);
  return reply.redirect(location, 303);
}

// Ends the browser's session, at the API too when it was signed in, so its refresh token is
// spent (an API that cannot be reached then leaves it to run out); not when `next` carries on
// the same API session (a second factor proven, say).
async function endSession(
  portal: Portal,
  request: FastifyRequest,
  next?: PortalSession,
): Promise<void> {
  const id = request.cookies[SESSION_COOKIE];
  const session = await portal.sessions.read(id);
  const carriedOn =
    session?.tokens &&
    next?.tokens &&
    apiSessionOf(session.tokens.accessToken) === apiSessionOf(next.tokens.accessToken);
  if (session?.tokens && !carriedOn) {
    await portalClient(portal.app, request, session.tokens)
      .signOut()
      .catch(() => undefined);
  }
  await portal.sessions.end(id);
}

// A refused sign-in step: the same form again with the API's reasons (a 5xx is not the
// person's to fix and goes to the error page).
function refused(
  portal: Portal,
  reply: FastifyReply,
  page: string,
  title: string,
  error: unknown,
  fields: Record<string, string>,
  kept: Record<string, unknown> = {},
): FastifyReply {
  const problems = formProblems(error, fields, true);
  if (!problems || !(error instanceof ApiProblem)) {
    throw error;
  }
  return sendPage(
    portal,
    reply,
    page,
    frame(reply, title, undefined, { problems }),
    kept,
    error.status,
  );
}

// Who is signed in, as every page's frame shows them. An applicant's organisation type is
// read once here: it decides whether the PCC's pages are in the menu.
export async function shown(api: GrantsClient, user: User): Promise<PortalUser> {
  const organisation =
    user.role === 'applicant' && user.organisationId
      ? await expectOk(
          api.GET('/api/v1/organisations/{id}', { params: { path: { id: user.organisationId } } }),
        )
      : undefined;
  return {
    name: user.name,
    email: user.email,
    role: user.role,
    ...(organisation
      ? { organisationType: organisation.type, organisationId: organisation.id }
      : {}),
  };
}

// Where to go after signing in: the page the person was sent away from, if it is one of ours.
export function landing(session: PortalSession | undefined): string {
  const wanted = session?.returnTo;
  return wanted &&
    /^\/(?![/\\])/.test(wanted) &&
    !wanted.startsWith('/sign-') &&
    !wanted.startsWith('/account/second-factor')
    ? wanted
    : HOME_PAGE;
}
