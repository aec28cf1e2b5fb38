import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface DeliveredMail {
  messageId: string;
  to: string[];
  from: string;
  subject: string;
  html: string;
  text: string;
}

// A real SMTP server inside the test: it receives what the worker sends, so tests read the mail
// as a mail server would. It can refuse chosen recipients and answer slowly.
export class TestSmtpServer {
  readonly delivered: DeliveredMail[] = [];
  // Recipients refused with a temporary failure, as a full mailbox would be.
  readonly refused = new Set<string>();
  // Connection errors, e.g. a reset when a test kills the sending worker mid-message. Kept here:
  // smtp-server re-emits them on the server, where an unheard 'error' would crash the test run.
  readonly connectionErrors: Error[] = [];
  delayMs = 0;
  private port = 0;

  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo: (address, _session, callback) => {
      if (this.refused.has(address.address.toLowerCase())) {
        const error = new Error('Mailbox temporarily unavailable, try again later');
        return callback(Object.assign(error, { responseCode: 450 }));
      }
      callback();
    },
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        this.receive(Buffer.concat(chunks)).then(() => callback(), callback);
      });
    },
  });

  static async start(): Promise<TestSmtpServer> {
    const instance = new TestSmtpServer();
    instance.server.on('error', (error: Error) => instance.connectionErrors.push(error));
    await new Promise<void>((resolve) => instance.server.listen(0, '127.0.0.1', resolve));
    instance.port = (instance.server.server.address() as AddressInfo).port;
    return instance;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): DeliveredMail[] {
    return this.delivered.filter((mail) => mail.to.includes(address.toLowerCase()));
  }

  // How many times each of `messageIds` arrived.
  copiesOf(messageIds: string[]): { missing: string[]; duplicated: number } {
    const counts = new Map<string, number>();
    for (const mail of this.delivered) {
      counts.set(mail.messageId, (counts.get(mail.messageId) ?? 0) + 1);
    }
    return {
      missing: messageIds.filter((id) => !counts.has(id)),
      duplicated: messageIds.reduce((sum, id) => sum + Math.max(0, (counts.get(id) ?? 0) - 1), 0),
    };
  }

  withMessageId(messageId: string): DeliveredMail[] {
    return this.delivered.filter((mail) => mail.messageId === messageId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async receive(raw: Buffer): Promise<void> {
    if (this.delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    }
    const parsed = await simpleParser(raw);
    const addresses = (field: typeof parsed.to): string[] =>
      (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) =>
        group.value.map((entry) => (entry.address ?? '').toLowerCase()),
      );
    this.delivered.push({
      messageId: parsed.messageId ?? '',
      to: addresses(parsed.to),
      from: parsed.from?.text ?? '',
      subject: parsed.subject ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : '',
      text: parsed.text ?? '',
    });
  }
}

// Polls until the check passes or the time is up; the last failure is the test's message.
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
