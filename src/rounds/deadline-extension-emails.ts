import type { EmailMessage } from '../notifications/outbox.service';
import { pageUrl, type PortalLinks } from '../notifications/portal-links';

// Tells the organisation's applicants of their own close time: given (each grant a version of
// its own) or withdrawn. Queued in the transaction that changes it.
export function deadlineExtensionNotice(
  change:
    | {
        kind: 'granted';
        extension: { id: string; version: number; closesAt: Date; reason: string };
      }
    | { kind: 'revoked'; extension: { id: string; version: number }; reason: string },
  round: { id: string; code: string; name: string; closesAt: Date },
  organisation: { name: string },
  contacts: { email: string }[],
  links: PortalLinks,
): EmailMessage {
  const granted = change.kind === 'granted';
  return {
    template: 'deadline-extension',
    to: contacts.map((contact) => contact.email),
    dedupeKey: `deadline-extension:${change.extension.id}:${granted ? `v${change.extension.version}` : 'revoked'}`,
    about: { type: 'funding_round', id: round.id },
    data: {
      organisationName: organisation.name,
      roundName: round.name,
      roundCode: round.code,
      roundClosesAt: round.closesAt,
      closesAt: granted ? change.extension.closesAt : round.closesAt,
      reason: granted ? change.extension.reason : change.reason,
      revoked: !granted,
      roundUrl: pageUrl(links, 'round', { id: round.id }),
    },
  };
}
