import { expectOk } from '@safer-streets-grants/client';
import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import {
  formProblems,
  formValue,
  frame,
  type Portal,
  sendPage,
  forSignedIn,
} from './portal-request';
import type { PortalSession } from './portal-sessions';
import { landing, replaceSession, shown } from './sign-in.pages';

// Staff sign in with a second factor. Someone signed in with a password alone whose account
// needs one (the API answers 403 second-factor-enrolment-required) is sent here to set up an
// authenticator app: scan the code (or type the key), keep the recovery codes, and confirm
// with a code the app shows. The session then carries on proven by that factor.
export const SECOND_FACTOR_PAGE = '/account/second-factor';

export function secondFactorPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get(
    SECOND_FACTOR_PAGE,
    forSignedIn(portal, async (me, request, reply) => {
      return sendPage(
        portal,
        reply,
        'second-factor-start',
        frame(reply, 'Set up your authenticator app', me.session),
      );
    }),
  );

  // Starts (or, until confirmed, restarts) enrolment at the API; what the app needs is kept
  // in the session for the next page.
  pages.post(
    SECOND_FACTOR_PAGE,
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const started = await expectOk(me.api.POST('/api/v1/me/second-factor'));
      await portal.sessions.save(me.id, {
        ...me.session,
        enrolment: {
          otpauthUri: started.otpauthUri,
          secret: started.secret,
          recoveryCodes: started.recoveryCodes,
        },
      });
      return reply.redirect(`${SECOND_FACTOR_PAGE}/code`, 303);
    }),
  );

  pages.get(
    `${SECOND_FACTOR_PAGE}/code`,
    forSignedIn(portal, async (me, request, reply) => {
      if (!me.session.enrolment) {
        return reply.redirect(SECOND_FACTOR_PAGE, 303);
      }
      return sendPage(
        portal,
        reply,
        'second-factor-code',
        frame(reply, 'Scan the code and keep your recovery codes', me.session),
        await enrolmentShown(me.session.enrolment),
      );
    }),
  );

  pages.post(
    `${SECOND_FACTOR_PAGE}/code`,
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const { enrolment } = me.session;
      if (!enrolment) {
        return reply.redirect(SECOND_FACTOR_PAGE, 303);
      }
      try {
        const user = await me.api.confirmSecondFactor(
          formValue(request.body, 'code').replace(/\s+/g, ''),
        );
        // Proven by a second factor now: a new session id, the enrolment's secrets forgotten.
        const proven: PortalSession = {
          tokens: me.api.session() ?? undefined,
          user: await shown(me.api, user),
          returnTo: me.session.returnTo,
        };
        return await replaceSession(portal, request, reply, proven, `${SECOND_FACTOR_PAGE}/done`);
      } catch (error) {
        const problems = formProblems(error, { code: 'code' });
        if (!problems) {
          throw error;
        }
        return sendPage(
          portal,
          reply,
          'second-factor-code',
          frame(reply, 'Scan the code and keep your recovery codes', me.session, { problems }),
          await enrolmentShown(enrolment),
          400,
        );
      }
    }),
  );

  pages.get(
    `${SECOND_FACTOR_PAGE}/done`,
    forSignedIn(portal, async (me, request, reply) => {
      const next = landing(me.session);
      if (me.session.returnTo) {
        await portal.sessions.save(me.id, { ...me.session, returnTo: undefined });
      }
      return sendPage(
        portal,
        reply,
        'second-factor-done',
        frame(reply, 'Your authenticator app is set up', me.session),
        { next },
      );
    }),
  );
}

// What the code page shows: the secret as a QR code (SVG, drawn here: nothing is fetched from
// elsewhere) and as a key to type, in groups of four, and the recovery codes.
async function enrolmentShown(enrolment: NonNullable<PortalSession['enrolment']>) {
  const svg = await QRCode.toString(enrolment.otpauthUri, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
  });
  return {
    qrCode: svg.replace(
      '<svg ',
      '<svg role="img" aria-label="QR code of the secret key for your authenticator app" class="portal-qr-code" ',
    ),
    secretKey: enrolment.secret.match(/.{1,4}/g)?.join(' ') ?? enrolment.secret,
    recoveryCodes: enrolment.recoveryCodes,
  };
}
