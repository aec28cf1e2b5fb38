import { randomUUID } from 'node:crypto';
import { readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { getQueueToken } from '@nestjs/bullmq';
import { type Queue, QueueEvents } from 'bullmq';
import { DataSource } from 'typeorm';
import { formatLondonDate } from '../src/common/london-time';
import { FileStore } from '../src/files/file-store';
import { queuePrefix, QUEUES, redisConnection } from '../src/queues/queues';
import { exportFileKey } from '../src/reports/report-export.entity';
import { expectProblem } from './support/app';
import { type BiddingWorld, startBidding } from './support/bids';
import { eventually } from './support/smtp';
import { demoRoundForOwnFinance } from './support/reports';

const DAY_MS = 86_400_000;

// Exports are private files, a few open at a time per user, deleted after the retention period
// (EXPORT_RETENTION_DAYS, 7 in tests) by a daily sweep on the exports queue.
describe('reports: export files, limits and retention', () => {
  let world: BiddingWorld;
  let queue: Queue;
  let events: QueueEvents;
  let roundId = '';
  let finance: { authorization: string };
  let financeId = '';
  const api = () => world.t.http();

  const ask = (format = 'csv') =>
    api().post(`/api/v1/rounds/${roundId}/exports`).set(finance).send({ format });
  const built = (id: string) =>
    eventually(async () => {
      const read = await api().get(`/api/v1/exports/${id}`).set(finance);
      expect(read.body.status).toBe('done');
      return read.body as { id: string; format: string };
    });
  const store = () => world.t.app.get(FileStore);
  const stored = async (key: string) => {
    const stream = await store().read(key);
    stream?.destroy();
    return stream !== null;
  };
  const putFile = (key: string, text: string) =>
    store().put(key, Readable.from([Buffer.from(text)]), 'text/plain');

  beforeAll(async () => {
    world = await startBidding();
    ({ roundId, finance, financeId } = await demoRoundForOwnFinance(world.t));
    queue = world.t.app.get<Queue>(getQueueToken(QUEUES.exports));
    events = new QueueEvents(QUEUES.exports, {
      connection: redisConnection(world.t.config),
      prefix: queuePrefix(world.t.config),
    });
    await events.waitUntilReady();
  }, 90_000);
  afterAll(async () => {
    await events.close();
    await world.close();
  });

  // The disk store's own suite (test/file-store) checks its files are private (0600 in 0700).
  it('keeps every export in the file store and leaves no scratch file in the worker', async () => {
    for (const format of ['csv', 'xlsx', 'html']) {
      const asked = await ask(format).expect(202);
      const row = await built(asked.body.id);
      expect([format, await stored(exportFileKey(row))]).toEqual([format, true]);
      const scratch = readdirSync(tmpdir()).filter((name) => name.startsWith('ssg-export-'));
      expect(scratch.filter((name) => name.includes(row.id))).toEqual([]);
    }
  });

  it('refuses a fourth open export with 409 and the count', async () => {
    await queue.pause();
    const open: string[] = [];
    try {
      for (let i = 0; i < 3; i += 1) {
        open.push((await ask().expect(202)).body.id);
      }
      const refused = await ask();
      expectProblem(refused.body, 409, 'too-many-open-exports');
      expect(refused.body).toMatchObject({ openExports: 3, openExportsLimit: 3 });
      expect(refused.body.detail).toContain('You have 3 exports queued or being built');
      // Nothing was written for the refused one.
      const [{ count }] = await world.t.app
        .get(DataSource)
        .query<{ count: string }[]>('SELECT count(*) FROM report_exports WHERE requested_by = $1', [
          financeId,
        ]);
      expect(Number(count)).toBe(6);
    } finally {
      await queue.resume();
    }
    // Once they are built, the user may ask again.
    for (const id of open) {
      await built(id);
    }
    await built((await ask().expect(202)).body.id);
  });

  it('deletes a file past the retention period in the daily sweep; its download answers 410', async () => {
    expect(await queue.getJobScheduler('daily-export-sweep')).toMatchObject({
      pattern: expect.any(String),
      tz: 'Europe/London',
    });
    const old = await built((await ask().expect(202)).body.id);
    const recent = await built((await ask().expect(202)).body.id);
    await world.t.app.get(DataSource).query(
      `UPDATE report_exports SET created_at = created_at - interval '8 days',
           finished_at = finished_at - interval '8 days' WHERE id = $1`,
      [old.id],
    );
    // Files of exports that never got done (a build stored its file, then failed; a row gone):
    // one 8 days old, one new; and a file that is not an export's.
    const leftover = `exports/${randomUUID()}.xlsx`;
    const fresh = `exports/${randomUUID()}.csv`;
    const stranger = 'exports/keep-me.txt';
    await putFile(leftover, 'half');
    await putFile(fresh, 'being built');
    await putFile(stranger, 'not ours');
    // Aged on disk: the suite's store is the disk store under FILES_DIR.
    const eightDaysAgo = new Date(Date.now() - 8 * DAY_MS);
    for (const key of [leftover, stranger]) {
      utimesSync(join(world.t.config.files.dir, key), eightDaysAgo, eightDaysAgo);
    }
    expect(await stored(exportFileKey(old))).toBe(true);

    const sweep = async () => (await queue.add('sweep', {})).waitUntilFinished(events, 30_000);
    expect(await sweep()).toEqual({
      expired: 1,
      leftoversRemoved: 1,
      spendFactsKept: expect.any(Number),
    });
    expect(await stored(exportFileKey(old))).toBe(false);
    expect(await stored(leftover)).toBe(false);
    expect(await stored(fresh)).toBe(true);
    expect(await stored(stranger)).toBe(true);
    expect(await stored(exportFileKey(recent))).toBe(true);

    const read = await api().get(`/api/v1/exports/${old.id}`).set(finance).expect(200);
    expect(read.body).toMatchObject({ status: 'expired', downloadUrl: null });
    expect(Date.parse(read.body.expiredAt)).toBeGreaterThan(Date.now() - DAY_MS);
    const gone = await api().get(`/api/v1/exports/${old.id}/download`).set(finance);
    expectProblem(gone.body, 410, 'export-expired');
    // The day it went, as people in the UK write it.
    expect(gone.body.detail).toBe(
      `This export's file was deleted on ${formatLondonDate(new Date(read.body.expiredAt as string))}: exports are kept for 7 days after they are built. Ask for a new export.`,
    );
    await api().get(`/api/v1/exports/${recent.id}/download`).set(finance).expect(200);

    // Again: nothing more to do, nothing else touched.
    expect(await sweep()).toEqual({
      expired: 0,
      leftoversRemoved: 0,
      spendFactsKept: expect.any(Number),
    });
    expect(await stored(exportFileKey(recent))).toBe(true);
    expect(await stored(stranger)).toBe(true);
    await store().remove(stranger);
    await store().remove(fresh);
  });
});
