import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DiskFileStore } from '../src/files/disk-file-store';
import type { FileStore, StoredFile } from '../src/files/file-store';
import { S3FileStore } from '../src/files/s3-file-store';
import { TestS3Server } from './support/s3';

const MIB = 1024 * 1024;
const CHUNK = 64 * 1024;

// A body of `bytes` bytes made as it is read (never a Buffer of the whole), with its digest;
// `failAfter`: the stream errors once that many bytes have gone.
function generated(bytes: number, failAfter?: number): { body: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  function* chunks(): Generator<Buffer> {
    let sent = 0;
    for (let n = 0; sent < bytes; n += 1) {
      if (failAfter !== undefined && sent >= failAfter) {
        throw new Error('the client went away');
      }
      const chunk = Buffer.alloc(Math.min(CHUNK, bytes - sent), n % 251);
      chunk.writeUInt32BE(n, 0);
      hash.update(chunk);
      sent += chunk.length;
      yield chunk;
    }
  }
  return { body: Readable.from(chunks()), sha256: () => hash.digest('hex') };
}

async function digestOf(stream: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

async function text(store: FileStore, key: string): Promise<string | null> {
  const stream = await store.read(key);
  if (!stream) {
    return null;
  }
  const parts: Buffer[] = [];
  for await (const chunk of stream) {
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts).toString();
}

async function listed(store: FileStore, prefix: string): Promise<StoredFile[]> {
  const found: StoredFile[] = [];
  for await (const file of store.list(prefix)) {
    found.push(file);
  }
  return found.sort((a, b) => a.key.localeCompare(b.key));
}

const put = (store: FileStore, key: string, body: string) =>
  store.put(key, Readable.from([Buffer.from(body)]), 'text/plain');

interface Subject {
  store: FileStore;
  // Another store in the same place, seen through its own prefix (S3 only).
  neighbour?: FileStore;
  dispose: () => Promise<void>;
}

const subjects: [string, () => Promise<Subject>][] = [
  [
    'disk',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'ssg-test-store-'));
      return Promise.resolve({
        store: new DiskFileStore(dir),
        dispose: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
      });
    },
  ],
  [
    's3',
    async () => {
      const server = await TestS3Server.start();
      const config = await server.bucket('deployment-a/');
      // Pages of two keys, so listing a prefix takes several requests.
      const store = new S3FileStore(config, 2);
      const neighbour = new S3FileStore({ ...config, prefix: 'deployment-b/' });
      return {
        store,
        neighbour,
        dispose: async () => {
          store.onModuleDestroy();
          neighbour.onModuleDestroy();
          await server.stop();
        },
      };
    },
  ],
];

// The FileStore contract, held by every store the same way.
describe.each(subjects)('file store contract: %s', (_name, make) => {
  let subject: Subject;
  let store: FileStore;

  beforeAll(async () => {
    subject = await make();
    store = subject.store;
  });
  afterAll(async () => subject.dispose());

  it('streams a multi-MiB body in and out whole', async () => {
    const size = 12 * MIB + 123;
    const body = generated(size);
    expect(await store.put('big/round-trip.bin', body.body, 'application/octet-stream')).toEqual({
      sizeBytes: size,
    });
    const read = await store.read('big/round-trip.bin');
    expect(read).not.toBeNull();
    expect(await digestOf(read!)).toEqual({ sha256: body.sha256(), bytes: size });
    const [listedFile, ...more] = await listed(store, 'big/');
    expect([listedFile.key, listedFile.sizeBytes, more]).toEqual(['big/round-trip.bin', size, []]);
    expect(Math.abs(listedFile.modifiedAt.getTime() - Date.now())).toBeLessThan(600_000);
  });

  it('stores a local file whole, replacing what was under the key, and refuses a missing one', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ssg-put-file-'));
    try {
      const size = 6 * MIB + 7;
      const body = generated(size);
      const path = join(folder, 'export.csv');
      await pipeline(body.body, createWriteStream(path));
      await put(store, 'exports/from-file.csv', 'older');
      expect(await store.putFile('exports/from-file.csv', path, 'text/csv')).toEqual({
        sizeBytes: size,
      });
      const read = await store.read('exports/from-file.csv');
      expect(await digestOf(read!)).toEqual({ sha256: body.sha256(), bytes: size });
      await expect(
        store.putFile('exports/missing.csv', join(folder, 'nothing.csv'), 'text/csv'),
      ).rejects.toThrow(/ENOENT|no such file/i);
      expect(await store.read('exports/missing.csv')).toBeNull();
      expect(await listed(store, 'exports/')).toMatchObject([
        { key: 'exports/from-file.csv', sizeBytes: size },
      ]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('keeps a small body whole too, and replaces what was under the key', async () => {
    expect(await put(store, 'small/note.txt', 'first version')).toEqual({ sizeBytes: 13 });
    expect(await text(store, 'small/note.txt')).toBe('first version');
    expect(await put(store, 'small/note.txt', 'second')).toEqual({ sizeBytes: 6 });
    expect(await text(store, 'small/note.txt')).toBe('second');
    expect(await listed(store, 'small/')).toMatchObject([{ key: 'small/note.txt', sizeBytes: 6 }]);
  });

  it('reads nothing under a key that holds nothing', async () => {
    expect(await store.read('nothing/here.csv')).toBeNull();
    expect(await store.read('small')).toBeNull();
  });

  it('removes a file, and removing a missing one is no error', async () => {
    await put(store, 'gone/soon.txt', 'bye');
    await store.remove('gone/soon.txt');
    expect(await store.read('gone/soon.txt')).toBeNull();
    await expect(store.remove('gone/soon.txt')).resolves.toBeUndefined();
    await expect(store.remove('never/was.txt')).resolves.toBeUndefined();
    expect(await listed(store, 'gone/')).toEqual([]);
  });

  it('lists exactly the files whose keys start with the prefix, with sizes and times', async () => {
    const before = Date.now() - 60_000;
    await put(store, 'listing/a/1.csv', 'one');
    await put(store, 'listing/a/2.csv', 'two!');
    await put(store, 'listing/a/3.csv', 'three');
    await put(store, 'listing/ab.csv', 'beside');
    await put(store, 'listing/b/1.csv', 'other');
    const found = await listed(store, 'listing/a/');
    expect(found.map(({ key, sizeBytes }) => [key, sizeBytes])).toEqual([
      ['listing/a/1.csv', 3],
      ['listing/a/2.csv', 4],
      ['listing/a/3.csv', 5],
    ]);
    for (const file of found) {
      expect(file.modifiedAt.getTime()).toBeGreaterThan(before);
    }
    expect((await listed(store, 'listing/')).map((file) => file.key)).toEqual([
      'listing/a/1.csv',
      'listing/a/2.csv',
      'listing/a/3.csv',
      'listing/ab.csv',
      'listing/b/1.csv',
    ]);
    expect(await listed(store, 'listing/c/')).toEqual([]);
  });

  it('refuses a key that could name something outside the store', async () => {
    for (const key of ['../x', 'exports/../../x', '/etc/passwd', 'a//b', 'A.csv', '']) {
      await expect(put(store, key, 'x')).rejects.toThrow('is not a valid file key');
      await expect(store.read(key)).rejects.toThrow('is not a valid file key');
      await expect(store.remove(key)).rejects.toThrow('is not a valid file key');
    }
  });

  it.each([
    ['before its first part is whole', 1 * MIB],
    ['after several parts went up', 11 * MIB],
  ])('leaves nothing when the body fails %s', async (_when, failAfter) => {
    const key = `broken/${failAfter}.bin`;
    const body = generated(16 * MIB, failAfter);
    await expect(store.put(key, body.body, 'application/octet-stream')).rejects.toThrow(
      'the client went away',
    );
    expect(await store.read(key)).toBeNull();
    expect(await listed(store, 'broken/')).toEqual([]);
  });

  it('keeps stores with different prefixes apart in one bucket', async () => {
    const neighbour = subject.neighbour;
    if (!neighbour) {
      // The disk store has no prefix: each has its own folder.
      expect(_name).toBe('disk');
      return;
    }
    await put(neighbour, 'small/note.txt', 'the neighbour’s');
    expect(await text(store, 'small/note.txt')).toBe('second');
    expect(await text(neighbour, 'small/note.txt')).toBe('the neighbour’s');
    expect((await listed(neighbour, '')).map((file) => file.key)).toEqual(['small/note.txt']);
    expect((await listed(store, '')).map((file) => file.key)).not.toContain(
      'deployment-b/small/note.txt',
    );
  });
});

// Files hold bids' documents and every award's money: on disk only the service's user reads them.
describe('file store on disk', () => {
  it('writes files readable by the service’s user alone, in private folders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssg-test-store-'));
    try {
      const store = new DiskFileStore(dir);
      await put(store, 'exports/private.csv', 'money');
      expect(statSync(join(dir, 'exports', 'private.csv')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'exports')).mode & 0o777).toBe(0o700);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
