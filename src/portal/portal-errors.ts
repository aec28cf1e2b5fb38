import { ApiProblem } from '@safer-streets-grants/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isRedisConnectionError } from '../queues/redis-errors';
import { COOKIE_OPTIONS, frame, type Portal, sendPage, SESSION_COOKIE } from './portal-request';
import type { PageFrame } from './portal-views';
import { logPortalFailure } from './portal-log';
import { SECOND_FACTOR_PAGE } from './second-factor.pages';

// The portal's error pages, in the GOV.UK patterns' words: what happened and what to do next.
interface ErrorPage {
  status: number;
  title: string;
  paragraphs: string[];
  link?: { href: string; text: string };
  // Quote this when contacting the team (the request id, also in the logs).
  reference?: boolean;
}

const NOT_FOUND: ErrorPage = {
  status: 404,
  title: 'Page not found',
  paragraphs: [
    'If you typed the web address, check it is correct.',
    'If you pasted the web address, check you copied the entire address.',
    'If you followed a link from an email, the thing it was about may have been withdrawn, or it may belong to another organisation.',
  ],
  link: { href: '/tasks', text: 'Go to your tasks' },
};

const FORBIDDEN: ErrorPage = {
  status: 403,
  title: 'You cannot use this page',
  paragraphs: [
    'Your account does not give you access to this page.',
    'If you think it should, contact the programme team.',
  ],
  link: { href: '/tasks', text: 'Go to your tasks' },
};

const FORM_EXPIRED: ErrorPage = {
  status: 403,
  title: 'Your form could not be sent',
  paragraphs: [
    'The form you sent had expired or did not come from this service, so nothing was changed.',
    'Go back, reload the page and try again.',
  ],
};

// Fastify's own refusals of a form (too big, a type no page reads, a body it cannot read).
const FORM_REFUSED: ErrorPage = {
  status: 400,
  title: 'Your form could not be sent',
  paragraphs: [
    'What you sent could not be read, so nothing was changed.',
    'Go back, reload the page and try again.',
  ],
};

const FORM_TOO_LARGE: ErrorPage = {
  status: 413,
  title: 'What you sent is too large',
  paragraphs: [
    'The form you sent is too large to read, so nothing was changed.',
    'Go back, shorten your answers and try again.',
  ],
};

const UNAVAILABLE: ErrorPage = {
  status: 503,
  title: 'Sorry, the service is unavailable',
  paragraphs: ['Nothing you were doing has been saved. Try again in a few minutes.'],
  reference: true,
};

const BROKEN: ErrorPage = {
  status: 500,
  title: 'Sorry, there is a problem with the service',
  paragraphs: ['Try again later. Nothing you were doing has been saved.'],
  reference: true,
};

function pageFor(error: unknown, request: FastifyRequest): ErrorPage {
  if (error instanceof ApiProblem) {
    // A page read the API refuses as malformed (a mangled id in the address) does not exist.
    if (error.status === 404 || (error.status === 400 && request.method === 'GET')) {
      return NOT_FOUND;
    }
    if (error.status === 403) {
      return FORBIDDEN;
    }
    return error.status === 503 ? UNAVAILABLE : BROKEN;
  }
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET') {
    return FORM_EXPIRED;
  }
  if (isRedisConnectionError(error)) {
    return UNAVAILABLE;
  }
  // Refusals by Fastify or its plugins (a static file's address climbing out of its folder, a
  // form too big or of a type no page reads) are the request's fault, not the service's.
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) {
    return BROKEN;
  }
  if (request.method === 'GET' || request.method === 'HEAD') {
    return NOT_FOUND;
  }
  if (status === 413) {
    return FORM_TOO_LARGE;
  }
  return { ...FORM_REFUSED, status };
}

// Every error a portal page meets ends on one of these pages; an API that no longer accepts the
// session (401) sends the person to sign in again.
export async function answerPageError(
  portal: Portal,
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (error instanceof ApiProblem && error.status === 401) {
    await portal.sessions.end(request.cookies[SESSION_COOKIE]).catch(() => undefined);
    void reply.clearCookie(SESSION_COOKIE, COOKIE_OPTIONS);
    return reply.redirect('/sign-in?ended=1', 303);
  }
  // Staff signed in with a password alone set up their second factor before anything else.
  if (
    error instanceof ApiProblem &&
    error.problem?.code === 'second-factor-enrolment-required' &&
    !request.url.startsWith(SECOND_FACTOR_PAGE)
  ) {
    return reply.redirect(SECOND_FACTOR_PAGE, 303);
  }
  const page = pageFor(error, request);
  if (page.status >= 500) {
    logPortalFailure('error', request, error, 'portal page failed');
  }
  return sendErrorPage(portal, reply, page, request.id, frame(reply, page.title));
}

// The portal's "page not found" for a browser asking for a path no route has. It is answered
// outside the portal's own routes, with no session read and no form on the page.
export function answerPageNotFound(
  portal: Portal,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  return sendErrorPage(portal, reply, NOT_FOUND, request.id, { title: NOT_FOUND.title, csrf: '' });
}

function sendErrorPage(
  portal: Portal,
  reply: FastifyReply,
  page: ErrorPage,
  requestId: string,
  pageFrame: PageFrame,
): FastifyReply {
  return sendPage(
    portal,
    reply,
    'problem',
    pageFrame,
    {
      heading: page.title,
      paragraphs: page.paragraphs,
      link: page.link,
      reference: page.reference ? requestId : undefined,
    },
    page.status,
  );
}
