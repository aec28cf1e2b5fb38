import type { EmailMessage } from '../notifications/outbox.service';
import type { PortalLinks } from '../notifications/portal-links';
import type { AwardForDelivery } from './award-delivery.service';
import { awardUrl } from './award-emails';
import type { AwardVariation } from './variation.entity';

// A variation decided: approved (the award as varied) or refused (why), to every applicant of
// the award's organisation, once per variation and outcome.
export function variationDecidedEmail(
  variation: AwardVariation,
  award: AwardForDelivery,
  deliveryEndsOn: string | null,
  to: string[],
  links: PortalLinks,
): EmailMessage {
  const approved = variation.status === 'approved';
  const common = {
    reference: award.reference,
    title: award.title,
    organisationName: award.organisationName,
    awardUrl: awardUrl(links, award),
  };
  return {
    template: approved ? 'variation-approved' : 'variation-refused',
    to,
    dedupeKey: `variation:${variation.id}:${variation.status}`,
    about: { type: 'award_variation', id: variation.id },
    data: approved
      ? {
          ...common,
          reason: variation.reason,
          amountPence: variation.amountPence,
          deliveryEndsOn,
          lines: award.lines.map(({ financialYear, kind, amountPence }) => ({
            ...{ financialYear, kind, amountPence },
          })),
        }
      : { ...common, reason: variation.refusalReason },
  };
}
