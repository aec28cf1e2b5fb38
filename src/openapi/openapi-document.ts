import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ProblemDto } from '../common/problem.dto';
import { operationIdFor } from './operation-ids';
import { describeProblemResponses } from './problem-responses';
import { describeSortEnums, nameEnums, typeIntegers, unwrapLoneAllOf } from './schema-types';

const LICENCE = 'proprietary, all rights reserved (package.json: UNLICENSED)';

// The tags, in the order the docs page lists them, each with what a reader finds under it.
export const TAGS: Record<string, string> = {
  auth: 'Signing in and out, sessions, second factors, invitations and password resets',
  'my work': 'What the signed-in user must do next, and the emails sent to them',
  users: 'Accounts: invitations, roles, organisations and deactivation (administrators)',
  organisations: 'Bidding organisations and the police force areas they belong to',
  rounds: 'Funding rounds: their rules, budget and the steps from draft to close-out',
  bids: 'Draft, submitted and withdrawn bids, and the PCC endorsement and ranking of bids in an area',
  assessment: 'Assessor assignments, conflict declarations, marks, moderation and the ranking',
  awards: 'Funding decisions, second approval, due diligence, offers and their acceptance',
  variations:
    'Changes to active awards (virement, reprofiling, reductions, extensions, output targets), requested by the funded organisation and approved like awards',
  returns: 'Quarterly delivery returns, their review, and the payments they release',
  documents:
    'Supporting documents on bids and returns: uploaded, checked from their bytes, virus-scanned, downloaded',
  reports: 'Spend summaries and the finance exports built in the background',
  'open data': 'Published awards in the 360Giving format, for anyone',
  audit: 'The audit trail of who changed what, and when',
  retention:
    'Personal data retention: a dry run of the daily job, and erasure of a deactivated user on request',
  emails: 'The outbox of emails the service sends, and retries of failed ones',
  health: 'Liveness and readiness for load balancers and orchestrators',
};

// The OpenAPI document served at /api/docs-json: what Nest reads from the controllers, then the
// rules every operation follows written in once (problem responses, public routes, enums).
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Safer Streets grants API')
    .setDescription(
      `Funding rounds, bids, assessment, awards, delivery returns and finance exports. Errors are application/problem+json (RFC 9457) with a stable \`code\`. Money is in whole pence.\n\nLicence: ${LICENCE}.`,
    )
    .setVersion('1')
    .addServer('/', 'The server this document is read from')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const [name, description] of Object.entries(TAGS)) {
    builder.addTag(name, description);
  }
  const document = SwaggerModule.createDocument(app, builder.build(), {
    extraModels: [ProblemDto],
    operationIdFactory: operationIdFor,
  });
  // The package is not licensed for use by others (package.json: UNLICENSED). OpenAPI 3.0 wants
  // a URL for the terms: the docs page, whose description states them.
  document.info.license = { name: LICENCE, url: '/api/docs' };
  refineDocument(document);
  return document;
}

type Operation = {
  description?: string;
  security?: unknown[];
  tags?: string[];
  responses: Record<string, unknown>;
  'x-roles'?: string[];
};

export function operationsOf(document: OpenAPIObject): { path: string; op: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.values(item)
      .filter((op): op is Operation => typeof op === 'object' && op !== null && 'responses' in op)
      .map((op) => ({ path, op })),
  );
}

export function refineDocument(document: OpenAPIObject): void {
  for (const { op } of operationsOf(document)) {
    describeAccess(op);
  }
  describeProblemResponses(document);
  typeIntegers(document);
  nameEnums(document);
  unwrapLoneAllOf(document);
  describeSortEnums(document);
}

// Each operation's allowed roles go into its description, where a reader of the docs looks; a
// public route says it needs no token (`security: []`), so no generator sends one.
function describeAccess(op: Operation): void {
  const roles = op['x-roles'];
  if (!roles) {
    return;
  }
  const isPublic = roles.includes('public');
  if (isPublic) {
    op.security = [];
  }
  const who = isPublic ? 'Public: no token needed.' : `Requires role: ${roles.join(', ')}.`;
  op.description = op.description ? `${op.description}\n\n${who}` : who;
}
