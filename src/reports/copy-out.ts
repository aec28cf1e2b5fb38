import type { Socket } from 'node:net';
import type { ClientBase } from 'pg';

// What PostgreSQL sends for `COPY (…) TO STDOUT` in its text format, read as a stream of bytes:
// the chunks as they are wanted, with the connection paused while they wait (copyOut), and the
// rows' text with COPY's escapes undone (copyTextReader).

const BACKSLASH = 0x5c;
const LF = 0x0a;
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

// Turns COPY's text rows into lines, a chunk at a time (an escape may be split between two
// chunks): a backslash escapes a backslash and the control characters, a line feed ends a row
// and is written as `lineEnd`. Counts the rows ended so far.
export function copyTextReader(lineEnd = '\r\n'): {
  read: (chunk: Buffer) => Buffer;
  rows: () => number;
} {
  const end = Buffer.from(lineEnd);
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
        parts.push(chunk.subarray(from, lineFeed), end);
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

// Bytes held while the reader is busy before the connection is paused: a few of the socket's
// reads.
const HELD_BYTES = 1024 * 1024;

// The bytes `copy` (a `COPY (…) TO STDOUT`) sends, run on `client`, as the reader asks for them:
// all that came since it last asked, in one buffer (PostgreSQL sends each row in a message of its
// own, and pg hands them over one by one; each is copied, as pg reuses its buffer). The bytes
// given are good until the reader asks for more: two buffers take turns, one filling while the
// reader reads the other, so nothing is allocated per read. While they wait, the connection's
// socket is paused, so memory stays flat however much the query writes. A reader
// that stops early (return or throw) waits for the COPY to end, its rest unread, so the
// connection is ready for the next statement; a failed COPY throws its error.
export async function* copyOut(client: ClientBase, copy: string): AsyncGenerator<Buffer> {
  const socket = (client as unknown as { connection: { stream: Socket } }).connection.stream;
  // Filling, and the one given to the reader last; each grows (rarely) past HELD_BYTES to take a
  // row that does not fit.
  let held = Buffer.allocUnsafe(HELD_BYTES);
  let given = Buffer.allocUnsafe(HELD_BYTES);
  let heldBytes = 0;
  let paused = false;
  let ended = false;
  let unread = false;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const woken = () => {
    wake?.();
    wake = undefined;
  };
  const resume = () => {
    if (paused) {
      paused = false;
      socket.resume();
    }
  };
  const submittable = {
    submit: (connection: { query: (text: string) => void }) => connection.query(copy),
    handleCopyData: (message: { chunk: Buffer }) => {
      if (unread) {
        return;
      }
      const { chunk } = message;
      if (heldBytes + chunk.length > held.length) {
        const larger = Buffer.allocUnsafe(Math.max(2 * held.length, heldBytes + chunk.length));
        held.copy(larger, 0, 0, heldBytes);
        held = larger;
      }
      heldBytes += chunk.copy(held, heldBytes);
      if (heldBytes >= HELD_BYTES && !paused) {
        paused = true;
        socket.pause();
      }
      woken();
    },
    // pg lets the query go at its error and tells it nothing more, not even that PostgreSQL is
    // ready again (pg holds the connection's next statement until then itself): the COPY has
    // ended here.
    handleError: (error: Error) => {
      failed ??= error;
      ended = true;
      woken();
    },
    handleReadyForQuery: () => {
      ended = true;
      woken();
    },
    handleCommandComplete: () => undefined,
    handleRowDescription: () => undefined,
    handleDataRow: () => undefined,
    handleEmptyQuery: () => undefined,
  };
  void client.query(submittable as never);
  try {
    for (;;) {
      if (heldBytes > 0) {
        const bytes = held.subarray(0, heldBytes);
        [held, given] = [given, held];
        heldBytes = 0;
        resume();
        yield bytes;
      } else if (failed) {
        throw failed;
      } else if (ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    if (!ended) {
      unread = true;
      heldBytes = 0;
      resume();
      while (!ended) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  }
}
