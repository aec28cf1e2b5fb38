import type { DomainError } from '../common/domain-error';
import { errorCatalogue, errorsOf } from '../common/error-catalogue';

// Every way a document is refused: a stable code, its status and a sentence for a person.
export const DOCUMENT_ERRORS = errorCatalogue({
  'document-not-multipart': {
    status: 415,
    message:
      'Send the file as multipart/form-data with one file part (e.g. curl -F "file=@letter.pdf").',
  },
  'document-no-file': {
    status: 400,
    message:
      'The request had no file part: send the file as a multipart/form-data part with a filename.',
  },
  'document-several-files': {
    status: 400,
    message:
      'The request carried more than one file, so none was stored: send one file per request, in one multipart part.',
  },
  'document-too-large': {
    status: 413,
    message: 'The file is larger than the limit.',
  },
  'document-empty': {
    status: 400,
    message: 'The file is empty (0 bytes); choose the file again and upload it.',
  },
  'document-type-not-allowed': {
    status: 415,
    message:
      'This kind of file is not accepted. Upload a PDF, PNG, JPEG, GIF or WebP image, a Word, Excel or PowerPoint file (.docx, .xlsx, .pptx), an OpenDocument file (.odt, .ods, .odp) or a CSV file.',
  },
  'document-type-mismatch': {
    status: 415,
    message: "The file's name or declared type does not match what its contents are.",
  },
  'document-limit-reached': {
    status: 409,
    message: 'The most documents allowed are already attached.',
  },
  'document-owner-frozen': {
    status: 409,
    message: 'Documents can no longer be added or removed.',
  },
  'document-not-scanned': {
    status: 409,
    message:
      'This document has not been virus-scanned yet; it can be downloaded once the scan finds it clean (usually within a minute).',
  },
  'document-infected': {
    status: 409,
    message:
      'The virus scanner found malware in this document, so it was deleted and cannot be downloaded; upload a clean copy.',
  },
  'document-upload-interrupted': {
    status: 400,
    message: 'The upload ended before the whole file arrived; upload it again.',
  },
  'document-queue-unavailable': {
    status: 503,
    message:
      'The document could not be sent for virus scanning because the job queue is not answering; upload it again shortly.',
  },
});

export type DocumentErrorCode = keyof typeof DOCUMENT_ERRORS;

export const documentError = errorsOf(DOCUMENT_ERRORS);

export function documentTooLarge(limitBytes: number): DomainError {
  return documentError('document-too-large', {
    message: `The file is larger than the limit of ${limitBytes} bytes (${(limitBytes / 1_048_576).toFixed(1)} MiB); upload a smaller file, or split it.`,
  });
}
