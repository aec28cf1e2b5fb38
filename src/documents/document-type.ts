import { fileTypeFromBuffer } from 'file-type';

// The kinds of file a bidder may attach, by the media type read from the bytes, with the file
// name extensions each may carry.
export const ALLOWED_TYPES: Readonly<Record<string, readonly string[]>> = {
  'application/pdf': ['pdf'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'application/vnd.oasis.opendocument.text': ['odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['ods'],
  'application/vnd.oasis.opendocument.presentation': ['odp'],
  'text/csv': ['csv'],
};

// What browsers and clients declare for a CSV file besides text/csv.
const CSV_DECLARED = ['text/csv', 'application/csv', 'application/vnd.ms-excel', 'text/plain'];
// A declared type that says nothing.
const UNSPECIFIED = ['', 'application/octet-stream', 'binary/octet-stream'];

// How much of the start of a file the type is read from: enough for an Office file's
// [Content_Types].xml or an OpenDocument file's mimetype entry.
export const TYPE_SAMPLE_BYTES = 65_536;

export type TypeVerdict =
  | { ok: true; mediaType: string }
  | { ok: false; reason: 'not-allowed' | 'mismatch'; detail: string };

// The media type of a file from its first bytes, checked against the allow-list, its name's
// extension and the type the client declared. CSV has no magic bytes: it is accepted as
// text/csv only when the name ends .csv and the sample is UTF-8 text without NUL bytes.
export async function checkFileType(
  sample: Buffer,
  fileName: string,
  declared: string,
): Promise<TypeVerdict> {
  const extension = extensionOf(fileName);
  const declaredType = declared.split(';')[0].trim().toLowerCase();
  const detected = await fileTypeFromBuffer(sample);
  if (!detected) {
    if (extension === 'csv' && isUtf8Text(sample)) {
      return [...CSV_DECLARED, ...UNSPECIFIED].includes(declaredType)
        ? { ok: true, mediaType: 'text/csv' }
        : mismatch(`it is a CSV file but was declared as ${declaredType}`);
    }
    return {
      ok: false,
      reason: 'not-allowed',
      detail:
        extension === 'csv'
          ? 'it is named .csv but is not UTF-8 text'
          : 'its contents are not of any accepted kind',
    };
  }
  const extensions = ALLOWED_TYPES[detected.mime];
  if (!extensions) {
    return {
      ok: false,
      reason: 'not-allowed',
      detail: `its contents are ${detected.mime} (.${detected.ext})`,
    };
  }
  if (!extensions.includes(extension)) {
    return mismatch(
      `its contents are ${detected.mime} but its name ends ${extension ? `.${extension}` : 'without an extension'} (expected .${extensions.join(' or .')})`,
    );
  }
  if (!UNSPECIFIED.includes(declaredType) && declaredType !== detected.mime) {
    return mismatch(`its contents are ${detected.mime} but it was declared as ${declaredType}`);
  }
  return { ok: true, mediaType: detected.mime };
}

function mismatch(detail: string): TypeVerdict {
  return { ok: false, reason: 'mismatch', detail };
}

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
}

// Valid UTF-8 (a character cut at the end of the sample is fine) with no NUL byte.
export function isUtf8Text(sample: Buffer): boolean {
  if (sample.includes(0)) {
    return false;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

const MAX_NAME_LENGTH = 200;

// The name a person gave the file, made safe to show and to put in a header: no folders, no
// control or bidi-override characters, no leading dots, at most 200 characters (the extension
// kept). The bytes are stored under a key of ours, never under this name.
export function sanitiseFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '');
  if (cleaned === '') {
    return 'document';
  }
  const chars = [...cleaned];
  if (chars.length <= MAX_NAME_LENGTH) {
    return cleaned;
  }
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return chars.slice(0, MAX_NAME_LENGTH - extension.length).join('') + extension;
}

// Content-Disposition for a download: an ASCII fallback and the exact name (RFC 6266, 8187).
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
