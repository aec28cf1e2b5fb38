import { ApiProblem, expectOk } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PORTAL_SSO_CALLBACK_PATH } from '../auth/sso/sso-config';
import type { AppConfig } from '../config/app-config';
import { portalClient } from './portal-api';
import { answerPageNotFound } from './portal-errors';
import {
  allowSsoForm,
  COOKIE_OPTIONS,
  frame,
  type Portal,
  type PortalSso,
  sendPage,
  SESSION_COOKIE,
} from './portal-request';
import { landing, replaceSession, shown } from './sign-in.pages';

// Shown when the callback's state is not the one this browser's sign-in began with: someone
// else's sign-in (sent to trick this browser into their account), or one already finished.
const NOT_THIS_BROWSER =
  'This sign-in was not started in this browser, has expired or was already completed. Start signing in again.';

// The portal offers single sign-on when the API has it and lets a sign-in come back to the
// portal's own page (its address listed in OIDC_PORTAL_REDIRECT_URLS, as it is by default).
export function portalSso(config: AppConfig): PortalSso | undefined {
  const callbackUrl = `${config.mail.publicBaseUrl}${PORTAL_SSO_CALLBACK_PATH}`;
  // The sign-in page's form-action allows the issuer's origin, where providers keep their
  // authorization endpoint (one elsewhere would be refused by the browser).
  return config.sso?.portalRedirectUrls.includes(callbackUrl)
    ? {
        providerName: config.sso.providerName,
        providerOrigin: new URL(config.sso.issuerUrl).origin,
        callbackUrl,
      }
    : undefined;
}

// Staff sign-in through the department's identity provider, on the API's SSO routes: the API
// begins the sign-in and keeps its checks (state, nonce, PKCE); the provider sends the browser
// back here, and the API's callback, given the provider's query, answers with the session. The
// portal also ties each sign-in to the browser that began it, so a callback link someone else
// made cannot sign this browser in as them.
export function ssoPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  // The sign-in page's button posts here (with the form token, so no other site can start a
  // sign-in in this browser, spending its address's allowance and replacing its sign-in under
  // way). It marks this browser's session as signing in (a new session when it has none),
  // leaving whoever is signed in there signed in until the callback.
  pages.post('/sign-in/sso', protect, async (request, reply) => {
    if (!portal.sso) {
      return answerPageNotFound(portal, request, reply);
    }
    const id = request.cookies[SESSION_COOKIE];
    const before = await portal.sessions.read(id);
    const api = portalClient(portal.app, request, null);
    const data = await expectOk(
      api.GET('/api/v1/auth/sso/start', {
        params: { query: { redirectUrl: portal.sso.callbackUrl } },
        headers: { accept: 'application/json' },
      }),
    );
    const ssoState = new URL(data.authorizationUrl).searchParams.get('state') ?? undefined;
    if (id && before) {
      await portal.sessions.save(id, { ...before, ssoState });
    } else {
      void reply.setCookie(
        SESSION_COOKIE,
        await portal.sessions.begin({ ssoState }),
        COOKIE_OPTIONS,
      );
    }
    return reply.redirect(data.authorizationUrl, 303);
  });

  // The address the button once linked to (bookmarks, old pages) starts nothing: the sign-in
  // page, with the button.
  pages.get('/sign-in/sso', async (request, reply) =>
    portal.sso ? reply.redirect('/sign-in', 303) : answerPageNotFound(portal, request, reply),
  );

  pages.get(PORTAL_SSO_CALLBACK_PATH, async (request, reply) => {
    if (!portal.sso) {
      return answerPageNotFound(portal, request, reply);
    }
    const id = request.cookies[SESSION_COOKIE];
    const session = await portal.sessions.read(id);
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    if (!id || !session?.ssoState || query.get('state') !== session.ssoState) {
      return refused(portal, reply, NOT_THIS_BROWSER, 400);
    }
    const api = portalClient(portal.app, request, null);
    try {
      const user = await api.completeSso(query);
      return await replaceSession(
        portal,
        request,
        reply,
        { tokens: api.session() ?? undefined, user: await shown(api, user) },
        landing(session),
      );
    } catch (error) {
      // Not found (SSO turned off meanwhile) and unavailable go to their error pages.
      if (!(error instanceof ApiProblem) || error.status >= 500 || error.status === 404) {
        throw error;
      }
      // The API has spent this sign-in's state whatever it answered.
      await portal.sessions.save(id, { ...session, ssoState: undefined });
      return refused(portal, reply, error.message, error.status);
    }
  });
}

// The sign-in page again, saying why the sign-in did not happen (nothing was signed in).
function refused(
  portal: Portal,
  reply: FastifyReply,
  message: string,
  status: number,
): FastifyReply {
  allowSsoForm(portal, reply);
  return sendPage(
    portal,
    reply,
    'sign-in',
    frame(reply, 'Sign in', undefined, { problems: [{ field: 'sso', message }] }),
    { sso: portal.sso },
    status,
  );
}
