import { addLondonDays, formatLondonZoned } from '../common/london-time';
import type { OrganisationType } from '../organisations/organisation.entity';
import type { RoundStatus } from './funding-round.entity';
import { effectiveClosesAt } from './round-deadlines';

// Why an extension may not be granted or changed, by problem code; each code's status is in the
// rounds catalogue (rounds.errors.ts).
export const EXTENSION_REFUSALS = [
  'round-not-taking-bids',
  'deadline-passed',
  'organisation-may-not-bid',
  'extension-not-later',
  'extension-beyond-cap',
] as const;

export interface ExtensionRefusal {
  code: (typeof EXTENSION_REFUSALS)[number];
  message: string;
  field?: string;
}

export interface ExtensionSituation {
  round: {
    code: string;
    status: RoundStatus;
    closesAt: Date;
    eligibleApplicantTypes: OrganisationType[];
  };
  organisation: { name: string; type: OrganisationType; active: boolean };
  // The organisation's extension as it stands, if it has one.
  current: { closesAt: Date } | null;
  maxDays: number;
  now: Date;
}

// An extension is given or changed only while the round takes bids from this organisation:
// the round open (never once it has closed, let alone been decided) and the organisation's own
// deadline not yet passed. Revoking is held to the same.
export function extensionChangeRefusal(situation: ExtensionSituation): ExtensionRefusal | null {
  const { round, organisation, current, now } = situation;
  if (round.status !== 'open') {
    return {
      code: 'round-not-taking-bids',
      message: `Round ${round.code} is ${round.status}: deadline extensions are given or changed only while a round is open for bids, never after it closes or a decision is made.`,
    };
  }
  const ownClose = effectiveClosesAt(round, current);
  if (now.getTime() >= ownClose.getTime()) {
    return {
      code: 'deadline-passed',
      message: `${organisation.name}'s deadline for round ${round.code} passed at ${formatLondonZoned(ownClose)}: an extension can only be given or changed while the organisation's deadline is still running.`,
    };
  }
  return null;
}

// Why `closesAt` may not be given to the organisation now, or null when it may.
export function extensionRefusal(
  situation: ExtensionSituation,
  closesAt: Date,
): ExtensionRefusal | null {
  const { round, organisation, maxDays, now } = situation;
  const stateRefusal = extensionChangeRefusal(situation);
  if (stateRefusal) {
    return stateRefusal;
  }
  if (!organisation.active || !round.eligibleApplicantTypes.includes(organisation.type)) {
    return {
      code: 'organisation-may-not-bid',
      field: 'organisationId',
      message: organisation.active
        ? `${organisation.name} (${organisation.type}) may not bid in round ${round.code}, which takes bids from ${round.eligibleApplicantTypes.join(', ')}.`
        : `${organisation.name} is deactivated, so it cannot bid and needs no extension.`,
    };
  }
  if (closesAt.getTime() <= round.closesAt.getTime()) {
    return {
      code: 'extension-not-later',
      field: 'closesAt',
      message: `An extension must close later than round ${round.code} does (${formatLondonZoned(round.closesAt)}).`,
    };
  }
  if (closesAt.getTime() <= now.getTime()) {
    return {
      code: 'extension-not-later',
      field: 'closesAt',
      message: `An extension must close in the future; ${formatLondonZoned(closesAt)} has passed.`,
    };
  }
  // Calendar days on the UK clock: a round closing at 23:59:59 may be extended to 23:59:59.
  const latest = addLondonDays(round.closesAt, maxDays);
  if (closesAt.getTime() > latest.getTime()) {
    return {
      code: 'extension-beyond-cap',
      field: 'closesAt',
      message: `An extension may run at most ${maxDays} day${maxDays === 1 ? '' : 's'} after round ${round.code} closes, so until ${formatLondonZoned(latest)} at the latest; ${formatLondonZoned(closesAt)} is later.`,
    };
  }
  return null;
}

// The round's own close must not cut off an organisation whose extension is still running:
// why `close` must wait, or null when no extension runs on.
export function closeRefusalForExtensions(
  running: { organisationName: string; closesAt: Date }[],
): string | null {
  if (running.length === 0) {
    return null;
  }
  const last = running.reduce((a, b) => (b.closesAt > a.closesAt ? b : a));
  const listed = running
    .map(
      (extension) => `${extension.organisationName} until ${formatLondonZoned(extension.closesAt)}`,
    )
    .join('; ');
  return `${running.length} deadline extension${running.length === 1 ? ' is' : 's are'} still running (${listed}); the round can be closed after the last ends at ${formatLondonZoned(last.closesAt)}`;
}
