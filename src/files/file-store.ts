import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

// One stored file as a listing sees it.
export interface StoredFile {
  key: string;
  sizeBytes: number;
  modifiedAt: Date;
}

// Where supporting documents and exports are kept, behind one small interface: local disk by
// default (FILES_DIR), any S3-compatible store when the S3_* settings are given, so an API on one
// machine can serve a file a worker on another wrote. Keys are ours, never a user's filename:
// lower-case letters, digits, `-`, `_`, `.` and `/` between parts (`exports/<id>.csv`,
// `documents/<id>`). Bodies are streamed both ways, never held whole in memory.
export abstract class FileStore {
  // Writes `body` under `key`, replacing what was there. Whole or not at all: if the body stream
  // fails or is cut off, nothing is left under `key` and the error is thrown.
  abstract put(key: string, body: Readable, contentType: string): Promise<{ sizeBytes: number }>;

  // put() of a local file whole (a finished export): streamed from the file unless the store can
  // copy it without passing the bytes through this process.
  putFile(key: string, path: string, contentType: string): Promise<{ sizeBytes: number }> {
    return this.put(key, createReadStream(path), contentType);
  }

  // The stored bytes, streamed; null when nothing is stored under `key`.
  abstract read(key: string): Promise<Readable | null>;

  // Deletes the file; deleting a key that holds nothing is not an error.
  abstract remove(key: string): Promise<void>;

  // Every file whose key starts with `prefix`, in no particular order.
  abstract list(prefix: string): AsyncIterable<StoredFile>;
}

const KEY = /^[a-z0-9][a-z0-9_.-]*(\/[a-z0-9][a-z0-9_.-]*)*$/;

// Refuses a key that could name something outside the store (`..`, absolute, empty parts).
export function checkedKey(key: string): string {
  if (!KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`"${key}" is not a valid file key.`);
  }
  return key;
}
