import { ErrorEntry, refusal } from '../common/error-catalogue';

// Where a supporting document stands, declared once for the services, the worker and the SQL.

export const OWNER_TYPES = ['bid', 'return'] as const;
export type OwnerType = (typeof OWNER_TYPES)[number];

// pending: stored, not yet scanned. clean: scanned, nothing found. infected: clamd found a
// signature; its bytes are deleted and it never counts as attached.
export const SCAN_STATUSES = ['pending', 'clean', 'infected'] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

// Only a clean document is seen by anyone but its uploader, and only a clean one is downloaded.
export function isVisibleTo(
  document: { scanStatus: ScanStatus; uploadedBy: string },
  userId: string,
): boolean {
  return document.scanStatus === 'clean' || document.uploadedBy === userId;
}

// The same rule in SQL, for lists (`d` is supporting_documents; $userParam the user's id).
export function visibleSql(userParam: string): string {
  return `(d.scan_status = 'clean' OR d.uploaded_by = ${userParam})`;
}

// Documents that count as attached (toward the limit and the submission digest).
export const ATTACHED_SQL = `d.scan_status <> 'infected'`;

// Where a document's bytes are kept in the FileStore: a key of ours, never the user's name.
export function storageKeyOf(id: string): string {
  return `documents/${id}`;
}

// A submission (a bid's, a return's) freezes its documents for staff to read, and staff see only
// clean ones: every attached document must have been scanned clean first. Answers their
// SHA-256s in upload order; otherwise refuses with `notReady` (the owner's catalogue entry),
// listing each one not ready.
export function scannedCleanSha256s(
  attached: readonly { id: string; fileName: string; sha256: string; scanStatus: ScanStatus }[],
  notReady: ErrorEntry,
  what: string,
): string[] {
  const unready = attached.filter((document) => document.scanStatus !== 'clean');
  if (unready.length > 0) {
    const n = unready.length;
    throw refusal(notReady, {
      message: `${what} has ${n} document${n === 1 ? '' : 's'} not yet scanned clean; wait for the scan (usually under a minute), or delete ${n === 1 ? 'it' : 'them'}, then submit again.`,
      errors: unready.map((document) => ({
        field: `documents.${document.id}`,
        message: `${document.fileName} is ${document.scanStatus === 'pending' ? 'waiting for its virus scan' : 'infected'}`,
      })),
    });
  }
  return attached.map((document) => document.sha256);
}
