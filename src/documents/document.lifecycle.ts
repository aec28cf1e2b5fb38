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
