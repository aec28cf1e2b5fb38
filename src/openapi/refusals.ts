import { ApiExtension } from '@nestjs/swagger';
import { ASSESSMENT_ERRORS } from '../assessment/assessment.errors';
import { AUTH_ERRORS } from '../auth/auth.errors';
import { SECOND_FACTOR_ERRORS } from '../auth/second-factor/second-factor.errors';
import { SESSION_ERRORS } from '../auth/sessions/session.errors';
import { SSO_ERRORS } from '../auth/sso/sso.errors';
import { AWARD_ERRORS } from '../awards/awards.errors';
import { BID_ERRORS } from '../bids/bids.errors';
import { COMMON_ERRORS } from '../common/common.errors';
import type { ErrorEntry } from '../common/error-catalogue';
import { DOCUMENT_ERRORS } from '../documents/documents.errors';
import { HEALTH_ERRORS } from '../health/health.errors';
import { NOTIFICATION_ERRORS } from '../notifications/notifications.errors';
import { OBSERVABILITY_ERRORS } from '../observability/observability.errors';
import { ORGANISATION_ERRORS } from '../organisations/organisations.errors';
import { REPORT_ERRORS } from '../reports/reports.errors';
import { RETENTION_ERRORS } from '../retention/retention.errors';
import { RETURN_ERRORS } from '../returns/returns.errors';
import { ROUND_ERRORS } from '../rounds/rounds.errors';
import { USER_ERRORS } from '../users/users.errors';

// Every feature's catalogue, so a route names any code it may answer (a code is declared once
// across all of them; src/common/error-catalogue.spec.ts checks it and that none is left out).
export const ALL_ERRORS = {
  ...COMMON_ERRORS,
  ...ASSESSMENT_ERRORS,
  ...AUTH_ERRORS,
  ...SECOND_FACTOR_ERRORS,
  ...SESSION_ERRORS,
  ...SSO_ERRORS,
  ...AWARD_ERRORS,
  ...BID_ERRORS,
  ...DOCUMENT_ERRORS,
  ...HEALTH_ERRORS,
  ...NOTIFICATION_ERRORS,
  ...OBSERVABILITY_ERRORS,
  ...ORGANISATION_ERRORS,
  ...REPORT_ERRORS,
  ...RETENTION_ERRORS,
  ...RETURN_ERRORS,
  ...ROUND_ERRORS,
  ...USER_ERRORS,
};

export type ErrorCode = keyof typeof ALL_ERRORS;

export const REFUSES_EXTENSION = 'x-refuses';

// The codes a route may answer beyond the generic ones (problem-responses.ts turns them into its
// error responses, with each code's status, default message and an example). The list is what
// the route's code can throw; src/openapi/refusals.spec.ts fails when a thrown code is missing.
// Lists shared by several routes (a rule's codes) are spread in; the document lists each code
// once, in code order, however the route put them together.
export function Refuses(...codes: ErrorCode[]): MethodDecorator {
  const entries: ErrorEntry[] = [...new Set(codes)].sort().map((code) => ALL_ERRORS[code]);
  return ApiExtension(REFUSES_EXTENSION, entries);
}
