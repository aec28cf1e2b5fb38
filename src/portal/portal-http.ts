import { createHmac } from 'node:crypto';
import { dirname, join } from 'node:path';
import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/app-config';
import { accountPages } from './account.pages';
import { assessmentMarkPages } from './assessment-marks.pages';
import { assessmentPages } from './assessment.pages';
import { bidSectionPages } from './bid-sections.pages';
import { bidDocumentPages } from './bid-documents.pages';
import { bidSubmissionPages } from './bid-submission.pages';
import { bidPages } from './bids.pages';
import { endorsementPages } from './endorsement.pages';
import { pccRankingPages } from './pcc-ranking.pages';
import { awardPages } from './awards.pages';
import { decisionPages } from './decisions.pages';
import { awardOfferPages } from './award-offer.pages';
import { notificationPages } from './notifications.pages';
import { exportPages } from './exports.pages';
import { paymentPages } from './payments.pages';
import { returnPages } from './returns.pages';
import { bidderReturnPages } from './bidder-returns.pages';
import { moderationPages } from './moderation.pages';
import { roundPages } from './rounds.pages';
import { secondFactorPages } from './second-factor.pages';
import { answerPageError, answerPageNotFound } from './portal-errors';
import { COOKIE_OPTIONS, type Portal } from './portal-request';
import { PortalSessions } from './portal-sessions';
import { PortalViews } from './portal-views';
import { signInPages } from './sign-in.pages';
import { portalSso, ssoPages } from './sso.pages';
import { taskPages } from './tasks.pages';

// GOV.UK Frontend's built files: its stylesheet and script, fonts and images.
const GOVUK_DIST = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist', 'govuk');

// The portal: server-rendered pages for people, at the root of this same application, beside
// the API under /api. Its routes live in a Fastify context of their own, so what pages need
// (form bodies, cookies, form tokens, HTML error pages) never reaches the API's routes, which
// keep taking JSON only and answering problem+json.
export async function registerPortal(
  app: NestFastifyApplication,
  config: AppConfig,
): Promise<(request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined> {
  const root = app.getHttpAdapter().getInstance();
  const portal: Portal = {
    app: root,
    views: PortalViews.load(config.portalTemplatesDir),
    sessions: app.get(PortalSessions),
    sso: portalSso(config),
  };
  await root.register(async (pages: FastifyInstance) => {
    await pages.register(formbody, { bodyLimit: 64 * 1024 });
    await pages.register(cookie, { secret: cookieSecret(config) });
    // The form token's secret lives in a signed cookie; each form carries a token made from it.
    await pages.register(csrfProtection, {
      cookieKey: 'ssg-form',
      cookieOpts: { ...COOKIE_OPTIONS, signed: true },
    });
    // GOV.UK Frontend's stylesheet and script at /assets/govuk/, its fonts and images at
    // /assets/ (where its stylesheet looks for them), and the portal's own few files.
    await pages.register(fastifyStatic, {
      root: [join(GOVUK_DIST, 'assets'), join(config.portalTemplatesDir, 'assets')],
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      cacheControl: true,
      maxAge: '1h',
    });
    await pages.register(fastifyStatic, {
      root: GOVUK_DIST,
      prefix: '/assets/govuk/',
      decorateReply: false,
      index: false,
      allowedPath: (path: string) => /^\/govuk-frontend\.min\.(css|js)(\.map)?$/.test(path),
      maxAge: '1h',
    });
    pages.setErrorHandler((error, request, reply) =>
      answerPageError(portal, error, request, reply),
    );
    signInPages(portal, pages);
    ssoPages(portal, pages);
    accountPages(portal, pages);
    secondFactorPages(portal, pages);
    taskPages(portal, pages);
    notificationPages(portal, pages);
    roundPages(portal, pages);
    bidPages(portal, pages);
    returnPages(portal, pages);
    bidderReturnPages(portal, pages, config.documents.maxBytes);
    paymentPages(portal, pages);
    exportPages(portal, pages);
    assessmentPages(portal, pages);
    assessmentMarkPages(portal, pages);
    moderationPages(portal, pages);
    bidSectionPages(portal, pages);
    bidDocumentPages(portal, pages, config.documents.maxBytes);
    bidSubmissionPages(portal, pages);
    endorsementPages(portal, pages);
    pccRankingPages(portal, pages);
    awardPages(portal, pages);
    decisionPages(portal, pages);
    awardOfferPages(portal, pages);
  });
  return (request, reply) =>
    wantsPage(request) ? answerPageNotFound(portal, request, reply) : undefined;
}

// A browser asking for a page (not the API, probes or metrics): it is shown an HTML page.
function wantsPage(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0];
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    !/^\/(api|health|metrics)(\/|$)/.test(path) &&
    (request.headers.accept ?? '').includes('text/html')
  );
}

// The key that signs the portal's cookies, derived from JWT_SECRET (changing it signs everyone
// out of the portal, as it does at the API).
function cookieSecret(config: AppConfig): string {
  return createHmac('sha256', config.jwtSecret).update('portal cookies').digest('base64url');
}
