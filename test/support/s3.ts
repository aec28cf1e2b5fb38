import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { projectPath } from '../../src/config/project-root';
import type { S3Config } from '../../src/files/files-config';
import { kill } from './processes';

// s3rver's fixed credentials: it checks signatures made with them.
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

// s3rver on a free port, keeping its objects in the folder S3RVER_DIRECTORY names.
const SERVER = `
const S3rver = require('s3rver');
const server = new S3rver({
  address: '127.0.0.1', port: 0, silent: true, directory: process.env.S3RVER_DIRECTORY,
});
server.run().then(
  ({ port }) => process.stdout.write('listening ' + port + '\\n'),
  (error) => { console.error(error); process.exit(1); },
);
`;

// A real S3-protocol server (s3rver) started by the test, keeping its objects in a temporary
// folder of its own. A suite makes its buckets, as operators would, and hands the store settings
// to the stores, apps and workers it starts. Its own process: s3rver's listing continuation
// tokens use DES, which Node 24's OpenSSL offers only with the legacy provider.
export class TestS3Server {
  private constructor(
    private readonly child: ChildProcess,
    private readonly directory: string,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<TestS3Server> {
    const directory = mkdtempSync(join(tmpdir(), 'ssg-test-s3-'));
    const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', SERVER], {
      cwd: projectPath(),
      env: { ...process.env, NODE_OPTIONS: '', S3RVER_DIRECTORY: directory },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      const timeout = setTimeout(
        () => reject(new Error(`s3rver did not start in time:\n${output}`)),
        20_000,
      );
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const listening = /listening (\d+)/.exec(output);
        if (listening) {
          clearTimeout(timeout);
          resolve(Number(listening[1]));
        }
      };
      child.stdout?.on('data', read);
      child.stderr?.on('data', read);
      child.once('exit', (code) => {
        clearTimeout(timeout);
        reject(new Error(`s3rver exited with ${code} before listening:\n${output}`));
      });
    });
    return new TestS3Server(child, directory, `http://127.0.0.1:${port}`);
  }

  // A new, empty bucket and the settings of a store in it (keys under `prefix`, if given).
  async bucket(prefix = ''): Promise<S3Config> {
    const config: S3Config = {
      bucket: `ssg-test-${randomBytes(6).toString('hex')}`,
      endpoint: this.endpoint,
      region: 'eu-west-2',
      credentials: CREDENTIALS,
      forcePathStyle: true,
      prefix,
    };
    const client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: true,
      credentials: CREDENTIALS,
    });
    try {
      await client.send(new CreateBucketCommand({ Bucket: config.bucket }));
    } finally {
      client.destroy();
    }
    return config;
  }

  async stop(): Promise<void> {
    await kill(this.child);
    rmSync(this.directory, { recursive: true, force: true });
  }
}
