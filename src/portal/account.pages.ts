import { type ApiProblem, expectOk } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PORTAL_PAGES } from '../notifications/portal-links';
import { portalClient } from './portal-api';
import { formProblems, formValue, frame, type Portal, sendPage } from './portal-request';

// A link token as this service makes them (link id, a dot, its MAC): anything else is shown the
// "link not working" page without reaching the API, and is never written into a page.
const LINK_TOKEN = /^[A-Za-z0-9-]{1,64}\.[A-Za-z0-9_-]{16,128}$/;

// The two pages an emailed link opens to choose a password: an invitation's and a reset's.
const PASSWORD_PAGES = {
  invitation: {
    path: PORTAL_PAGES.setPassword.split('?')[0],
    title: 'Create your password',
    done: 'Your account is ready',
    refusal: 'invitation-token-invalid',
  },
  reset: {
    path: PORTAL_PAGES.resetPassword.split('?')[0],
    title: 'Choose a new password',
    done: 'Your password has been changed',
    refusal: 'reset-token-invalid',
  },
} as const;
type PasswordPage = keyof typeof PASSWORD_PAGES;

// What people do with their own accounts before they can sign in: accept an invitation by
// choosing a password, ask for a reset link and use it. Plain forms, no script needed.
export function accountPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get('/account/forgotten-password', async (_request, reply) =>
    sendPage(portal, reply, 'forgotten-password', frame(reply, 'Reset your password')),
  );

  pages.post('/account/forgotten-password', protect, async (request, reply) => {
    const email = formValue(request.body, 'email').trim();
    const api = portalClient(portal.app, request, null);
    try {
      const sent = await expectOk(api.POST('/api/v1/auth/password-reset', { body: { email } }));
      return sendPage(portal, reply, 'problem', frame(reply, 'Check your email'), {
        heading: 'Check your email',
        paragraphs: [
          sent.message,
          'If no email arrives within a few minutes, check your spam folder.',
        ],
        link: { href: '/sign-in', text: 'Back to sign in' },
      });
    } catch (error) {
      const problems = formProblems(error, { email: 'email' });
      if (!problems) {
        throw error;
      }
      return sendPage(
        portal,
        reply,
        'forgotten-password',
        frame(reply, 'Reset your password', undefined, { problems }),
        { email },
        // The API's status: a refusal, or 429 when too many links were asked for.
        (error as ApiProblem).status,
      );
    }
  });

  for (const kind of Object.keys(PASSWORD_PAGES) as PasswordPage[]) {
    const { path, title } = PASSWORD_PAGES[kind];
    pages.get<{ Querystring: { token?: string } }>(path, async (request, reply) => {
      const token = request.query.token ?? '';
      if (!LINK_TOKEN.test(token)) {
        return linkNotWorking(portal, reply);
      }
      return sendPage(portal, reply, 'choose-password', frame(reply, title), {
        token,
        action: path,
      });
    });

    pages.post(path, protect, async (request, reply) => {
      const token = formValue(request.body, 'token');
      const password = formValue(request.body, 'password');
      if (!LINK_TOKEN.test(token)) {
        return linkNotWorking(portal, reply);
      }
      const api = portalClient(portal.app, request, null);
      const body = { token, password };
      try {
        await expectOk(
          kind === 'invitation'
            ? api.POST('/api/v1/auth/invitations/accept', { body })
            : api.POST('/api/v1/auth/password-reset/complete', { body }),
        );
      } catch (error) {
        if ((error as { code?: string }).code === PASSWORD_PAGES[kind].refusal) {
          return linkNotWorking(portal, reply);
        }
        const problems = formProblems(error, { password: 'password' });
        if (!problems) {
          throw error;
        }
        return sendPage(
          portal,
          reply,
          'choose-password',
          frame(reply, title, undefined, { problems }),
          { token, action: path },
          400,
        );
      }
      return sendPage(portal, reply, 'problem', frame(reply, PASSWORD_PAGES[kind].done), {
        heading: PASSWORD_PAGES[kind].done,
        paragraphs: ['You can now sign in with your email address and the password you chose.'],
        link: { href: '/sign-in', text: 'Sign in' },
      });
    });
  }
}

// An emailed link that is unknown, used, expired or replaced by a newer one.
function linkNotWorking(portal: Portal, reply: FastifyReply): FastifyReply {
  return sendPage(
    portal,
    reply,
    'problem',
    frame(reply, 'This link is not working'),
    {
      heading: 'This link is not working',
      paragraphs: [
        'Links in our emails work once, for a limited time, and only the newest one sent to you works.',
        'If you were resetting your password, ask for a new link. If you were invited, ask the person who invited you to send the invitation again.',
      ],
      link: { href: '/account/forgotten-password', text: 'Ask for a new password reset link' },
    },
    400,
  );
}
