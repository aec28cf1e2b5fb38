import { SupportingDocument } from '../documents/supporting-document.entity';
import { AssessmentAssignment, AssessmentMark } from '../assessment/assignment.entity';
import { AssessorAffiliation } from '../assessment/assessor-affiliation.entity';
import { BidScore } from '../assessment/bid-score.entity';
import { AwardDecision, AwardLine } from '../awards/award.entity';
import { AwardVariation } from '../awards/variation.entity';
import { DueDiligenceCheck } from '../awards/due-diligence.entity';
import { BidCostLine, BidIntervention, BidMatchFunding } from '../bids/bid-lines.entity';
import { Bid } from '../bids/bid.entity';
import { RoundReferenceCounter } from '../bids/round-reference-counter.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { SpentRefreshToken, UserSession } from '../auth/sessions/user-session.entity';
import { RecoveryCode, SecondFactor } from '../auth/second-factor/second-factor.entity';
import { EmailOutbox } from '../notifications/email-outbox.entity';
import { Organisation } from '../organisations/organisation.entity';
import { OrganisationName } from '../organisations/organisation-name.entity';
import { PoliceForceArea } from '../organisations/police-force-area.entity';
import { DeliveryReturn } from '../returns/delivery-return.entity';
import { ReportExport } from '../reports/report-export.entity';
import { ReturnPayment } from '../returns/return-payment.entity';
import { ReturnSpendLine, ReturnSubmission } from '../returns/return-submission.entity';
import { YearEndRelease } from '../returns/year-end-release.entity';
import { AssessmentCriterion } from '../rounds/assessment-criterion.entity';
import { FundingRound } from '../rounds/funding-round.entity';
import { RoundYearCap } from '../rounds/round-year-cap.entity';
import { DeadlineExtension } from '../rounds/deadline-extension.entity';
import { PersonalDataErasure, RetentionRun } from '../retention/retention-run.entity';
import { AccountLink } from '../users/account-link.entity';
import { User } from '../users/user.entity';
import { UserMembership } from '../users/user-membership.entity';

export const ENTITIES = [
  AuditEvent,
  PoliceForceArea,
  Organisation,
  OrganisationName,
  User,
  UserMembership,
  UserSession,
  SpentRefreshToken,
  AccountLink,
  SecondFactor,
  RecoveryCode,
  FundingRound,
  AssessmentCriterion,
  RoundYearCap,
  DeadlineExtension,
  EmailOutbox,
  Bid,
  BidCostLine,
  BidMatchFunding,
  BidIntervention,
  RoundReferenceCounter,
  AssessorAffiliation,
  AssessmentAssignment,
  AssessmentMark,
  BidScore,
  DueDiligenceCheck,
  AwardDecision,
  AwardLine,
  AwardVariation,
  DeliveryReturn,
  ReturnSubmission,
  ReturnSpendLine,
  ReturnPayment,
  YearEndRelease,
  ReportExport,
  SupportingDocument,
  RetentionRun,
  PersonalDataErasure,
];
