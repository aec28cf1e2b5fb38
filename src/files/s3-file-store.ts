import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { OnModuleDestroy } from '@nestjs/common';
import { checkedKey, FileStore, type StoredFile } from './file-store';
import type { S3Config } from './files-config';

// Parts of a multipart upload: S3's smallest, and at most two in memory at once per put.
const PART_BYTES = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

// An S3-compatible store: one object per key (after S3_PREFIX) in S3_BUCKET. A put streams the
// body as a multipart upload (or one PUT when it fits in a part), so no body is held whole; S3
// makes the object visible only once the upload completes, and a failed upload is aborted.
export class S3FileStore extends FileStore implements OnModuleDestroy {
  private readonly client: S3Client;

  // `pageSize`: keys per listing request (S3 gives at most 1,000); smaller only in tests.
  constructor(
    private readonly config: S3Config,
    private readonly pageSize = 1000,
  ) {
    super();
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: config.credentials,
    });
  }

  async put(key: string, body: Readable, contentType: string): Promise<{ sizeBytes: number }> {
    const counted = { bytes: 0, error: undefined as unknown };
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.config.bucket,
        Key: this.objectKey(key),
        Body: Readable.from(counting(body, counted)),
        ContentType: contentType,
      },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
    });
    try {
      await upload.done();
    } catch (error) {
      body.destroy();
      // The body's own failure, not what aborting the upload may have said after it.
      throw counted.error ?? error;
    }
    return { sizeBytes: counted.bytes };
  }

  async read(key: string): Promise<Readable | null> {
    try {
      const found = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }),
      );
      return found.Body as Readable;
    } catch (error) {
      if (isMissing(error)) {
        return null;
      }
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }),
    );
  }

  async *list(prefix: string): AsyncIterable<StoredFile> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.config.bucket,
          Prefix: `${this.config.prefix}${prefix}`,
          ContinuationToken: token,
          MaxKeys: this.pageSize,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key?.startsWith(this.config.prefix)) {
          yield {
            key: object.Key.slice(this.config.prefix.length),
            sizeBytes: object.Size ?? 0,
            modifiedAt: object.LastModified ?? new Date(0),
          };
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    return `${this.config.prefix}${checkedKey(key)}`;
  }
}

// The body's chunks, counted; a failure of the body is kept so put can throw it.
async function* counting(
  body: Readable,
  counted: { bytes: number; error: unknown },
): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of body) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      counted.bytes += bytes.length;
      yield bytes;
    }
  } catch (error) {
    counted.error = error;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404)
  );
}
