import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { constants } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkedKey, FileStore, type StoredFile } from './file-store';

// Files hold bids' documents and every award's money: only the service's own user may read them.
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

// The local-disk store: one file per key under FILES_DIR. A write goes to a hidden part file
// beside its final name and is renamed when whole, so a reader never sees half a file.
export class DiskFileStore extends FileStore {
  constructor(private readonly root: string) {
    super();
  }

  async put(key: string, body: Readable, _contentType: string): Promise<{ sizeBytes: number }> {
    return this.writeWhole(key, (part) =>
      pipeline(body, createWriteStream(part, { mode: FILE_MODE, flags: 'wx' })),
    );
  }

  // The file copied by the kernel, so none of its bytes pass through this process's buffers (a
  // 155 MB export streamed through them held about 30 MB more at the worker's peak).
  override async putFile(
    key: string,
    path: string,
    _contentType: string,
  ): Promise<{ sizeBytes: number }> {
    return this.writeWhole(key, async (part) => {
      await copyFile(path, part, constants.COPYFILE_EXCL);
      await chmod(part, FILE_MODE);
    });
  }

  // `write` makes a hidden part file beside the key's final name, renamed to it once whole; if
  // the write fails the part file is removed and nothing is left under the key.
  private async writeWhole(
    key: string,
    write: (part: string) => Promise<void>,
  ): Promise<{ sizeBytes: number }> {
    const target = this.pathOf(key);
    await this.ensureDir(dirname(target));
    const part = join(dirname(target), `.${randomUUID()}.part`);
    try {
      await write(part);
      await rename(part, target);
    } catch (error) {
      await rm(part, { force: true });
      throw error;
    }
    const { size } = await stat(target);
    return { sizeBytes: size };
  }

  async read(key: string): Promise<Readable | null> {
    const path = this.pathOf(key);
    try {
      const found = await stat(path);
      if (!found.isFile()) {
        return null;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return null;
      }
      throw error;
    }
    return createReadStream(path);
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *list(prefix: string): AsyncIterable<StoredFile> {
    for await (const path of this.walk(this.root)) {
      const key = relative(this.root, path).split(sep).join('/');
      if (!key.startsWith(prefix)) {
        continue;
      }
      const found = await stat(path).catch(() => null);
      if (found) {
        yield { key, sizeBytes: found.size, modifiedAt: found.mtime };
      }
    }
  }

  private pathOf(key: string): string {
    return join(this.root, ...checkedKey(key).split('/'));
  }

  private async ensureDir(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    await chmod(dir, DIR_MODE);
  }

  // Every stored file under `dir`; part files (hidden, being written) are not stored files yet.
  private async *walk(dir: string): AsyncIterable<string> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') {
          return [];
        }
        throw error;
      },
    );
    for (const entry of entries) {
      if (entry.name.startsWith('.')) {
        continue;
      }
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        yield* this.walk(path);
      } else if (entry.isFile()) {
        yield path;
      }
    }
  }
}
