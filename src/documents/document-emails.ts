import type { EmailMessage } from '../notifications/outbox.service';
import { pageUrl, type PortalLinks } from '../notifications/portal-links';
import type { UploadContext } from './document-store';

// What a document is attached to, in words and as a portal link.
function ownerOf(context: UploadContext, links: PortalLinks) {
  const id = context.ownerId;
  return context.ownerType === 'bid'
    ? {
        ownerLabel: `bid ${context.reference}`,
        ownerUrl: pageUrl(links, 'bid', { id }),
      }
    : {
        ownerLabel: `the ${context.financialYear} Q${context.quarter} return for ${context.reference}`,
        ownerUrl: pageUrl(links, 'return', { id }),
      };
}

// The scanner found malware in a file: its uploader is told which file, what was found, and
// that it was deleted. Queued in the transaction that marks the document infected.
export function infectedNotice(
  documentId: string,
  context: UploadContext,
  signature: string,
  links: PortalLinks,
): EmailMessage {
  return {
    template: 'document-infected',
    to: context.uploaderEmail,
    dedupeKey: `document:${documentId}:infected`,
    about: {
      type: context.ownerType === 'bid' ? 'bid' : 'delivery_return',
      id: context.ownerId,
    },
    data: {
      ...ownerOf(context, links),
      name: context.uploaderName,
      fileName: context.fileName,
      signature,
      uploadedAt: new Date(context.uploadedAt).toISOString(),
      ownerReference: context.reference,
      title: context.title,
    },
  };
}
