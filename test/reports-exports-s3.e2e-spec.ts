import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { S3Config } from '../src/files/files-config';
import { S3FileStore } from '../src/files/s3-file-store';
import { QUEUES } from '../src/queues/queues';
import { ExportBuilderService } from '../src/reports/export-builder.service';
import { exportFileKey } from '../src/reports/report-export.entity';
import { expectProblem, startApp, startWorker, type TestApp } from './support/app';
import { TestS3Server } from './support/s3';
import { eventually } from './support/smtp';
import { demoRoundForOwnFinance } from './support/reports';

// The point of one file store: an export built by a worker on one machine is served by an API
// replica on another. Here they share only an S3 bucket (a real s3rver): each has a FILES_DIR
// of its own, which stays empty.
describe('reports: exports kept in an S3-compatible store', () => {
  let s3: TestS3Server;
  let config: S3Config;
  let bucketView: S3FileStore;
  let t: TestApp;
  let worker: INestApplicationContext;
  let finance: { authorization: string };
  let roundId = '';
  const dirs = { api: '', worker: '' };
  const api = () => t.http();

  const ask = async (format: string) =>
    (
      await api()
        .post(`/api/v1/rounds/${roundId}/exports`)
        .set(finance)
        .send({ format })
        .expect(202)
    ).body as { id: string; format: string };
  const built = (id: string) =>
    eventually(async () => {
      const read = await api().get(`/api/v1/exports/${id}`).set(finance);
      expect(read.body.status).toBe('done');
      return read.body as { id: string; format: string; sizeBytes: number };
    });
  const keysInBucket = async () => {
    const keys: string[] = [];
    for await (const file of bucketView.list('exports/')) {
      keys.push(file.key);
    }
    return keys;
  };

  beforeAll(async () => {
    s3 = await TestS3Server.start();
    config = await s3.bucket('ssg/');
    bucketView = new S3FileStore(config);
    dirs.api = mkdtempSync(join(tmpdir(), 'ssg-test-api-files-'));
    dirs.worker = mkdtempSync(join(tmpdir(), 'ssg-test-worker-files-'));
    t = await startApp({ processRole: 'api', files: { dir: dirs.api, s3: config } });
    worker = await startWorker({ files: { dir: dirs.worker, s3: config } });
    ({ roundId, finance } = await demoRoundForOwnFinance(t));
  }, 90_000);
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    bucketView?.onModuleDestroy();
    await s3?.stop();
    rmSync(dirs.api, { recursive: true, force: true });
    rmSync(dirs.worker, { recursive: true, force: true });
  });

  it('serves an export the worker built, through the bucket alone', async () => {
    const done = await built((await ask('csv')).id);
    expect(await keysInBucket()).toContain(exportFileKey(done));
    // Neither process wrote to its own folder.
    expect([readdirSync(dirs.api), readdirSync(dirs.worker)]).toEqual([[], []]);

    const file = await api().get(`/api/v1/exports/${done.id}/download`).set(finance).expect(200);
    expect(file.headers['content-type']).toContain('text/csv');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="spend-summary-/);
    expect(Buffer.byteLength(file.text)).toBe(done.sizeBytes);
    expect(file.text).toContain('total: round');
  });

  it('answers 410 when the file is no longer in the bucket', async () => {
    const done = await built((await ask('html')).id);
    await bucketView.remove(exportFileKey(done));
    const gone = await api().get(`/api/v1/exports/${done.id}/download`).set(finance);
    expectProblem(gone.body, 410, 'export-file-missing');
  });

  it('stores nothing and leaves no scratch file when the store refuses the export', async () => {
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.exports));
    const broken = await startWorker({
      files: { dir: dirs.worker, s3: { ...config, bucket: 'ssg-test-no-such-bucket' } },
    });
    await queue.pause();
    try {
      const asked = await ask('xlsx');
      await expect(
        broken.get(ExportBuilderService).build(asked.id, async () => {}),
      ).rejects.toThrow(/bucket/i);
      expect(await keysInBucket()).not.toContain(exportFileKey(asked));
      const scratch = readdirSync(tmpdir()).filter((name) => name.startsWith('ssg-export-'));
      expect(scratch.filter((name) => name.includes(asked.id))).toEqual([]);
      const read = await api().get(`/api/v1/exports/${asked.id}`).set(finance).expect(200);
      expect(read.body.status).not.toBe('done');
    } finally {
      await queue.resume();
      await broken.close();
    }
  });
});
