import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

// The email benchmark's mail server, in a process of its own: accepts every message, reads its
// Message-ID from the headers and counts messages and distinct Message-IDs. Talks to the bench
// over IPC: it sends { port } once listening; { reset, expect } clears the counts and asks for
// { reached, at } (Date.now()) when `expect` distinct Message-IDs have arrived; { report } is
// answered with { received, unique, withoutId }; { copies } with { copies: [Message-ID, count][] }
// (the fault tests use it to count only their own mails).

interface Command {
  reset?: boolean;
  expect?: number;
  report?: boolean;
  copies?: boolean;
}

let received = 0;
let withoutId = 0;
let ids = new Set<string>();
let copies = new Map<string, number>();
let expect = 0;

function messageIdOf(raw: Buffer): string | null {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? raw.length : end).toString('latin1');
  // Header lines may be folded: the value can continue on lines starting with white space.
  const match = /^message-id:[ \t]*((?:[^\r\n]|\r\n[ \t])*)/im.exec(head);
  return match ? match[1].replace(/\r\n[ \t]+/g, ' ').trim() : null;
}

function count(raw: Buffer): void {
  received += 1;
  const id = messageIdOf(raw);
  if (id === null) {
    withoutId += 1;
    return;
  }
  ids.add(id);
  copies.set(id, (copies.get(id) ?? 0) + 1);
  if (expect > 0 && ids.size === expect) {
    process.send?.({ reached: expect, at: Date.now() });
  }
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 10 * 1024 * 1024,
  onData: (stream, _session, callback) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      count(Buffer.concat(chunks));
      callback();
    });
  },
});
// A sender killed mid-conversation resets its connection: that is not the sink's failure.
server.on('error', () => undefined);

process.on('message', (command: Command) => {
  if (command.reset) {
    received = 0;
    withoutId = 0;
    ids = new Set();
    copies = new Map();
    expect = command.expect ?? 0;
  }
  if (command.copies) {
    process.send?.({ copies: [...copies] });
  }
  if (command.report) {
    process.send?.({ received, unique: ids.size, withoutId });
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.server.address() as AddressInfo).port });
});
