import { Inject, Injectable } from '@nestjs/common';
import { connect, Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { ClamdConfig } from './documents-config';

export type ScanVerdict = { infected: false } | { infected: true; signature: string };

// clamd could not be reached or did not answer as expected: the scan is tried again later.
export class ScannerUnavailableError extends Error {}

// The largest chunk sent in one INSTREAM frame.
const CHUNK_BYTES = 64 * 1024;

// A small client of ClamAV's daemon over TCP: zINSTREAM sends the bytes as frames (a 4-byte
// big-endian length, then the bytes), ended by a zero-length frame; clamd answers
// `stream: OK` or `stream: <signature> FOUND`, NUL-terminated.
export class ClamdClient {
  constructor(private readonly config: ClamdConfig) {}

  async ping(): Promise<boolean> {
    const reply = await this.exchange(async (socket) => {
      await write(socket, Buffer.from('zPING\0'));
    });
    return reply === 'PONG';
  }

  async scan(body: Readable): Promise<ScanVerdict> {
    const reply = await this.exchange(async (socket) => {
      await write(socket, Buffer.from('zINSTREAM\0'));
      for await (const chunk of body as AsyncIterable<Buffer>) {
        for (let at = 0; at < chunk.length; at += CHUNK_BYTES) {
          const part = chunk.subarray(at, at + CHUNK_BYTES);
          const length = Buffer.alloc(4);
          length.writeUInt32BE(part.length);
          await write(socket, Buffer.concat([length, part]));
        }
      }
      await write(socket, Buffer.alloc(4));
    });
    if (reply === 'stream: OK') {
      return { infected: false };
    }
    const found = /^stream: (.+) FOUND$/.exec(reply);
    if (found) {
      return { infected: true, signature: found[1] };
    }
    throw new ScannerUnavailableError(`clamd answered "${reply}"`);
  }

  // Opens a connection, sends what `send` writes, and reads the NUL-terminated reply.
  private exchange(send: (socket: Socket) => Promise<void>): Promise<string> {
    const { host, port, timeoutMs } = this.config;
    return new Promise<string>((resolve, reject) => {
      const socket = connect({ host, port });
      const chunks: Buffer[] = [];
      let settled = false;
      const finish = (error: Error | null, reply?: string) => {
        if (settled) {
          return;
        }
        settled = true;
        socket.destroy();
        if (error) {
          reject(error);
        } else {
          resolve(reply as string);
        }
      };
      socket.setTimeout(timeoutMs, () =>
        finish(new ScannerUnavailableError(`clamd at ${host}:${port} did not answer in time`)),
      );
      socket.on('error', (error) =>
        finish(new ScannerUnavailableError(`clamd at ${host}:${port}: ${error.message}`)),
      );
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        const text = Buffer.concat(chunks).toString('utf8');
        const end = text.indexOf('\0');
        if (end >= 0) {
          finish(null, text.slice(0, end).trim());
        }
      });
      socket.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8').replace(/\0/g, '').trim();
        finish(text ? null : new ScannerUnavailableError('clamd closed without answering'), text);
      });
      socket.once('connect', () => {
        send(socket).catch((error: unknown) =>
          finish(error instanceof Error ? error : new Error(String(error))),
        );
      });
    });
  }
}

function write(socket: Socket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.write(data, (error) => (error ? reject(error) : resolve()));
  });
}

// The scanner the worker uses, configured from CLAMD_HOST, CLAMD_PORT and CLAMD_TIMEOUT_MS.
@Injectable()
export class VirusScanner extends ClamdClient {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(config.documents.clamd);
  }
}
