// A file's size as people read it: bytes, KB or MB (1,024-based, as file managers on Windows
// show it), for every page that lists files (documents, evidence, exports).
export function readableFileSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} bytes`;
  }
  if (bytes < 1024 * 1024) {
    return `${Math.round(bytes / 1024)} KB`;
  }
  const mb = bytes / (1024 * 1024);
  return `${(Number.isInteger(mb) ? mb : Number(mb.toFixed(1))).toLocaleString('en-GB')} MB`;
}
