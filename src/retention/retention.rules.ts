// What personal data is kept, for how long, and what takes its place once the period is over.
// Pure: the store turns each kind's cutoff into SQL; the config loads each kind's period.
import { formatLondonDate } from '../common/london-time';

// In the order a run takes them: users last, so each kind's count is its own records (erasing a
// user also ends their sessions and clears their emails).
export const RETENTION_KINDS = [
  'unfunded-bids',
  'unfunded-bid-documents',
  'funded-bids',
  'sessions',
  'account-links',
  'sign-in-records',
  'emails',
  'inactive-users',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

export const RETENTION_KIND_MEANINGS: Record<RetentionKind, string> = {
  'unfunded-bids':
    "bids never funded (draft, withdrawn, failed eligibility, unsuccessful): partners' names and roles, free text, reasons",
  'unfunded-bid-documents': 'supporting documents on unfunded bids: the file and its name',
  'funded-bids': "funded bids: partners' names and roles, free text, the offer's signatory",
  'inactive-users': 'users who have not signed in for the period: erased as on request',
  sessions: 'sign-in sessions (address, device): deleted',
  'account-links': 'invitation and password-reset links: deleted',
  'sign-in-records': 'the address in sign-in audit events',
  emails: 'sent or failed emails: recipients and template data',
};

// The settings a kind's period comes from (several kinds may share one), its default and range.
export interface RetentionPeriodRule {
  setting: string;
  defaultDays: number;
  minDays: number;
  maxDays: number;
  // What the period is counted from, for the README, the preview and the log.
  from: string;
}

const YEAR = 365;

export const RETENTION_PERIOD_RULES = {
  unfundedBidDays: {
    setting: 'RETENTION_UNFUNDED_BID_DAYS',
    defaultDays: 2 * YEAR,
    minDays: 180,
    maxDays: 10 * YEAR,
    from: "the round's close",
  },
  fundedBidDays: {
    setting: 'RETENTION_FUNDED_BID_DAYS',
    defaultDays: 7 * YEAR,
    minDays: 2 * YEAR,
    maxDays: 20 * YEAR,
    from: "the end of the round's delivery period",
  },
  inactiveUserDays: {
    setting: 'RETENTION_INACTIVE_USER_DAYS',
    defaultDays: 2 * YEAR,
    minDays: 180,
    maxDays: 10 * YEAR,
    from: 'the last sign-in (or the account was made, if never signed in)',
  },
  sessionDays: {
    setting: 'RETENTION_SESSION_DAYS',
    defaultDays: 90,
    minDays: 7,
    maxDays: 2 * YEAR,
    from: 'the last use of the session or link',
  },
  signInRecordDays: {
    setting: 'RETENTION_SIGN_IN_RECORD_DAYS',
    defaultDays: YEAR,
    minDays: 30,
    maxDays: 7 * YEAR,
    from: 'the sign-in',
  },
  emailDays: {
    setting: 'RETENTION_EMAIL_DAYS',
    defaultDays: YEAR,
    minDays: 30,
    maxDays: 7 * YEAR,
    from: 'the email was written to the outbox',
  },
} as const satisfies Record<string, RetentionPeriodRule>;

export type RetentionPeriods = Record<keyof typeof RETENTION_PERIOD_RULES, number>;

export const KIND_PERIOD: Record<RetentionKind, keyof RetentionPeriods> = {
  'unfunded-bids': 'unfundedBidDays',
  'unfunded-bid-documents': 'unfundedBidDays',
  'funded-bids': 'fundedBidDays',
  'inactive-users': 'inactiveUserDays',
  sessions: 'sessionDays',
  'account-links': 'sessionDays',
  'sign-in-records': 'signInRecordDays',
  emails: 'emailDays',
};

const DAY_MS = 86_400_000;

// Records whose period counts from before this moment are past it.
export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

export function cutoffs(now: Date, periods: RetentionPeriods): Record<RetentionKind, Date> {
  return Object.fromEntries(
    RETENTION_KINDS.map((kind) => [kind, retentionCutoff(now, periods[KIND_PERIOD[kind]])]),
  ) as Record<RetentionKind, Date>;
}

// A funded bid is kept longer than an unfunded one: grant records are kept for audit.
export function periodProblems(periods: RetentionPeriods): string[] {
  if (periods.fundedBidDays < periods.unfundedBidDays) {
    return [
      `${RETENTION_PERIOD_RULES.fundedBidDays.setting} (${periods.fundedBidDays}) must not be shorter than ${RETENTION_PERIOD_RULES.unfundedBidDays.setting} (${periods.unfundedBidDays}): funded grants' records are kept at least as long`,
    ];
  }
  return [];
}

// What replaces a name, an email's content or a free text: says why and when (the UK day, as
// people read it), nothing else.
export function removedText(now: Date): string {
  return `Removed under the retention policy on ${formatLondonDate(now)}`;
}

// The marker a removed sign-in address or email recipient reads.
export const REMOVED = 'removed';
export const REMOVED_RECIPIENT = 'removed@retention.invalid';

// Unique (users.email is), and never a real mailbox (.invalid, RFC 2606).
export function erasedEmail(userId: string): string {
  return `erased-${userId}@retention.invalid`;
}

export const ERASED_ACTOR = 'erased user';

// A user whose personal data may be erased on request: deactivated, and not the admin asking.
export function erasureRefusal(
  user: { id: string; active: boolean },
  adminId: string,
): 'own-erasure' | 'user-active' | null {
  if (user.id === adminId) {
    return 'own-erasure';
  }
  return user.active ? 'user-active' : null;
}
