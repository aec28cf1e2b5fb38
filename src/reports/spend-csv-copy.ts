import { createWriteStream } from 'node:fs';
import type { Socket } from 'node:net';
import type { ClientBase } from 'pg';
import type { ExportColumn } from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
import { CSV_BOM, CSV_LINE_END, csvRecord } from './spreadsheet-text';

// The spend CSV as PostgreSQL writes it (spendCsvCopy): Node writes the BOM and the heading, then
// each line COPY sends, read back from COPY's text format (a backslash escapes a backslash and
// the control characters; a line feed ends a row) and ended with CRLF.

const BACKSLASH = 0x5c;
const LF = 0x0a;
const CRLF = Buffer.from(CSV_LINE_END);
// What COPY's text format writes after a backslash, and the byte it stands for.
const UNESCAPED: Record<number, number> = {
  [BACKSLASH]: BACKSLASH,
  0x6e: 0x0a, // \n
  0x72: 0x0d, // \r
  0x74: 0x09, // \t
  0x62: 0x08, // \b
  0x66: 0x0c, // \f
  0x76: 0x0b, // \v
};

// Turns COPY's text rows into CSV lines, a chunk at a time (an escape may be split between two
// chunks); counts the rows ended so far.
export function copyTextReader(): { read: (chunk: Buffer) => Buffer; rows: () => number } {
  let rows = 0;
  let escaped = false;
  const read = (chunk: Buffer): Buffer => {
    const parts: Buffer[] = [];
    let from = 0;
    if (escaped && chunk.length > 0) {
      parts.push(unescaped(chunk[0]));
      escaped = false;
      from = 1;
    }
    let backslash = chunk.indexOf(BACKSLASH, from);
    let lineFeed = chunk.indexOf(LF, from);
    while (backslash !== -1 || lineFeed !== -1) {
      if (lineFeed !== -1 && (backslash === -1 || lineFeed < backslash)) {
        parts.push(chunk.subarray(from, lineFeed), CRLF);
        rows += 1;
        from = lineFeed + 1;
        lineFeed = chunk.indexOf(LF, from);
        continue;
      }
      parts.push(chunk.subarray(from, backslash));
      if (backslash + 1 === chunk.length) {
        escaped = true;
        from = chunk.length;
        break;
      }
      parts.push(unescaped(chunk[backslash + 1]));
      from = backslash + 2;
      backslash = chunk.indexOf(BACKSLASH, from);
      if (lineFeed !== -1 && lineFeed < from) {
        lineFeed = chunk.indexOf(LF, from);
      }
    }
    parts.push(chunk.subarray(from));
    // A copy: pg reuses the buffer the chunk is a view of.
    return Buffer.concat(parts);
  };
  return { read, rows: () => rows };
}

function unescaped(letter: number): Buffer {
  const byte = UNESCAPED[letter];
  if (byte === undefined) {
    throw new Error(
      `COPY sent an escape this reader does not know: \\${String.fromCharCode(letter)}`,
    );
  }
  return Buffer.of(byte);
}

// The CSV written at `target` from `copy` (a `COPY (…) TO STDOUT` in text format) run on
// `client`. `tick` is called with the lines written so far; while a promise it answers is
// pending, and while the file catches up, the connection's socket is paused, so memory stays
// flat whatever the round's size.
export async function writeSpendCsvCopy(
  target: string,
  client: ClientBase,
  copy: string,
  tick: (lines: number) => Promise<void> | undefined,
  columns: readonly ExportColumn[] = SPEND_COLUMNS,
): Promise<void> {
  const out = createWriteStream(target);
  const socket = (client as unknown as { connection: { stream: Socket } }).connection.stream;
  const reader = copyTextReader();
  const heading = csvRecord(
    columns.filter((column) => column.csv).map((column) => column.heading),
    CSV_LINE_END,
  );
  out.write(CSV_BOM + heading);
  let waits = 0;
  let draining = false;
  const hold = () => {
    waits += 1;
    socket.pause();
  };
  const release = () => {
    waits -= 1;
    if (waits === 0) {
      socket.resume();
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let failed: Error | undefined;
      const recorded: Promise<void>[] = [];
      const fail = (error: unknown) => {
        failed ??= error instanceof Error ? error : new Error(String(error));
      };
      const submittable = {
        submit: (connection: { query: (text: string) => void }) => connection.query(copy),
        handleCopyData: (message: { chunk: Buffer }) => {
          if (failed) {
            return;
          }
          try {
            if (!out.write(reader.read(message.chunk)) && !draining) {
              draining = true;
              hold();
              out.once('drain', () => {
                draining = false;
                release();
              });
            }
            const progress = tick(reader.rows());
            if (progress) {
              hold();
              recorded.push(
                progress.then(release, (error: unknown) => {
                  fail(error);
                  release();
                }),
              );
            }
          } catch (error) {
            fail(error);
          }
        },
        handleCommandComplete: () => undefined,
        handleRowDescription: () => undefined,
        handleDataRow: () => undefined,
        handleEmptyQuery: () => undefined,
        handleError: fail,
        // Done once the progress being recorded is: none lands after the export is marked done.
        handleReadyForQuery: () =>
          void Promise.all(recorded).then(() => (failed ? reject(failed) : resolve())),
      };
      void client.query(submittable as never);
    });
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  } finally {
    out.destroy();
    if (waits > 0) {
      socket.resume();
    }
  }
}
