import ExcelJS from 'exceljs';
import { Queue, QueueEvents } from 'bullmq';
import { DataSource } from 'typeorm';
import type { Role } from '../src/common/access';
import { QUEUES, queuePrefix, redisConnection } from '../src/queues/queues';
import { expectProblem, type TestApp } from './support/app';
import type { BiddingWorld } from './support/bids';
import { csvValues, unquotedText } from './support/csv';
import { DEFAULT_AS_AT_LAG_MS } from '../src/reports/spend-summary.rules';
import { validRound } from './support/factories';
import { buildExport, twoYearRound, type ReturnsWorld } from './support/reports';
import { eventually } from './support/smtp';

// Exports of the two-year round (see twoYearRound) in each format, built by the real worker:
// progress seen on the queue, the email with the link received, each file's totals checked to
// the penny against the returns; and an export as at an earlier moment built later.
describe('reports: spend summary exports', () => {
  let setup: ReturnsWorld;
  let world: BiddingWorld;
  let t: TestApp;
  let earlier = '';
  let events: QueueEvents;
  const progress = new Map<string, number[]>();
  const as = (role: Role) => world.as(role);
  const api = () => t.http();

  // Asks for an export, waits for the worker to finish it, and downloads it.
  const build = (format: string, asAt?: string, roundId = setup.roundId) =>
    buildExport(world, roundId, format, asAt);

  // Sums a CSV column of pounds over rows of one level, in pence.
  const sumColumn = (csv: string, level: string, column: string) => {
    const [header, ...rows] = csvValues(csv);
    const index = header.indexOf(column);
    expect(index).toBeGreaterThan(0);
    return rows
      .filter((cells) => cells[1] === level)
      .reduce((sum, cells) => sum + Number(cells[index].replace('.', '')), 0);
  };

  beforeAll(async () => {
    setup = await twoYearRound(() => {
      earlier = new Date().toISOString();
      return Promise.resolve();
    });
    world = setup.world;
    t = world.t;
    events = new QueueEvents(QUEUES.exports, {
      connection: redisConnection(t.config),
      prefix: queuePrefix(t.config),
    });
    events.on('progress', ({ jobId, data }) =>
      progress.set(jobId, [...(progress.get(jobId) ?? []), Number(data)]),
    );
    await events.waitUntilReady();
  }, 90_000);
  afterAll(async () => {
    await events.close();
    await world.close();
  });

  it('builds a CSV with every total to the penny, reports progress and emails the link', async () => {
    const { id, body, headers, file } = await build('csv');
    expect(headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(headers['content-disposition']).toMatch(
      /^attachment; filename="spend-summary-T[0-9A-F]+-\d{4}-\d{2}-\d{2}T\d{4}\.csv"$/,
    );
    expect(body).toMatchObject({ progress: 100, sizeBytes: file.length });
    const csv = file.toString('utf8');
    expect(unquotedText(csv)).toEqual([]);
    expect(sumColumn(csv, 'year', 'Awarded (£)')).toBe(30_000_000);
    expect(sumColumn(csv, 'year', 'Claimed (£)')).toBe(19_000_000);
    expect(sumColumn(csv, 'year', 'Approved (£)')).toBe(15_000_000);
    expect(sumColumn(csv, 'year', 'Paid (£)')).toBe(15_000_000);
    expect(sumColumn(csv, 'year', 'Released (£)')).toBe(1_000_000);
    expect(sumColumn(csv, 'year', 'Remaining (£)')).toBe(14_000_000);
    expect(sumColumn(csv, 'quarter', 'Claimed capital (£)')).toBe(18_000_000);
    expect(sumColumn(csv, 'quarter', 'Forecast (£)')).toBe(10_000_000);
    expect(csv).toContain(',"quarter",');
    // The totals close the file: the round's, then by year and kind, force area, applicant type.
    const totals = csvValues(csv)
      .filter((row) => row[1].startsWith('total: '))
      .map((row) => row.slice(1, 12).join(','));
    expect(totals).toEqual([
      'total: round,,,,,,,,,,300000.00',
      'total: year and kind,,,,,,,2024/25,,capital,100000.00',
      'total: year and kind,,,,,,,2025/26,,capital,150000.00',
      'total: year and kind,,,,,,,2025/26,,revenue,50000.00',
      'total: force area,,,E23000007,Northumbria,,,,,,300000.00',
      'total: applicant type,,,,,pcc,,,,,300000.00',
    ]);
    expect(csvValues(csv)[1].slice(0, 3)).toEqual([body.asAt, 'year', setup.bid.reference]);
    // Progress was reported by the worker on the queue, ending at 100.
    await eventually(() => expect(progress.get(id)?.at(-1)).toBe(100));
    const mail = await eventually(() => {
      const found = world.smtp
        .to('finance@demo.test')
        .filter((m) => m.text.includes(`/exports/${id}/download`));
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(mail.subject).toMatch(/^Your CSV spend summary for T[0-9A-F]+ is ready$/);
  });

  it('builds an Excel workbook with a frozen header on each sheet and money as pounds', async () => {
    const { headers, file } = await build('xlsx');
    expect(headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file as unknown as ArrayBuffer);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual([
      'Summary',
      'Awards',
      'Years',
      'Quarters',
    ]);
    for (const sheet of book.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    }
    const summary = book.getWorksheet('Summary');
    const round = summary?.getRow(2);
    expect(round?.getCell(1).value).toBe('Round');
    expect(round?.getCell(4).value).toBe(300_000);
    expect(round?.getCell(4).numFmt).toBe('"£"#,##0.00');
    expect(round?.getCell(5).value).toBe(190_000);
    expect(round?.getCell(10).value).toBe(140_000);
    const years = book.getWorksheet('Years');
    expect(years?.rowCount).toBe(4);
    const quarters = book.getWorksheet('Quarters');
    expect(quarters?.rowCount).toBe(5);
  });

  it('builds a printable HTML report with charts drawn as SVG', async () => {
    const { headers, file } = await build('html');
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    const html = file.toString('utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>Spend by quarter: profile (dashed), claimed and paid</title>');
    expect(html).toContain(
      `<title>${setup.bid.reference}: awarded £300,000.00, claimed £190,000.00, paid £150,000.00</title>`,
    );
    expect(html).toContain('<td class="money">£300,000.00</td><td class="money">£190,000.00</td>');
    expect(html).toContain('1 return(s) overdue');
    expect(html).not.toContain('<script');
  });

  it('builds the same figures as at an earlier moment, whatever came since', async () => {
    const { file } = await build('csv', earlier);
    const csv = file.toString('utf8');
    expect(sumColumn(csv, 'year', 'Claimed (£)')).toBe(15_000_000);
    expect(sumColumn(csv, 'year', 'Paid (£)')).toBe(9_000_000);
    expect(sumColumn(csv, 'quarter', 'Forecast (£)')).toBe(5_000_000);
    expect(csvValues(csv)[1].slice(0, 2)).toEqual([earlier, 'year']);
  });

  it('exports a round with no accepted awards as a valid, empty summary', async () => {
    const rounds = await api().get('/api/v1/rounds?limit=100').set(as('finance')).expect(200);
    const open = rounds.body.items.find((r: { code: string }) => r.code === 'SSF-DEMO');
    const { file } = await build('csv', undefined, open.id);
    const rows = csvValues(file.toString('utf8'));
    expect(rows).toHaveLength(2);
    expect(rows[1].slice(1, 12).join(',')).toBe('total: round,,,,,,,,,,0.00');
  });

  it('refuses an export of a draft round, of the future or of no moment; states the moment it used', async () => {
    const draft = await api()
      .post('/api/v1/rounds')
      .set(as('admin'))
      .send(validRound())
      .expect(201);
    const refused = await api()
      .post(`/api/v1/rounds/${draft.body.id}/exports`)
      .set(as('finance'))
      .send({ format: 'csv' });
    expectProblem(refused.body, 409, 'round-not-published');
    const path = `/api/v1/rounds/${setup.roundId}/exports`;
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const later = await api().post(path).set(as('finance')).send({ format: 'csv', asAt: future });
    expectProblem(later.body, 422);
    const vague = await api().post(path).set(as('finance')).send({ format: 'csv', asAt: 'today' });
    expectProblem(vague.body, 400, 'validation-failed');
    // Without asAt: as at a few seconds before it was asked for, the moment stated.
    const asked = Date.now();
    const created = await api().post(path).set(as('finance')).send({ format: 'csv' }).expect(202);
    const asAt = Date.parse(created.body.asAt);
    expect(asAt).toBeGreaterThanOrEqual(asked - DEFAULT_AS_AT_LAG_MS);
    expect(asAt).toBeLessThanOrEqual(Date.now() - DEFAULT_AS_AT_LAG_MS);
    // Built again later as at the moment it states, the file is the same, byte for byte.
    const first = await eventually(async () => {
      const read = await api().get(`/api/v1/exports/${created.body.id}`).set(as('finance'));
      expect(read.body.status).toBe('done');
      return (await api().get(`/api/v1/exports/${created.body.id}/download`).set(as('finance')))
        .text;
    });
    const again = await build('csv', created.body.asAt);
    expect(again.file.toString('utf8')).toBe(first);
  });

  it('refuses what it cannot do, and shows nobody else’s export', async () => {
    const path = `/api/v1/rounds/${setup.roundId}/exports`;
    expectProblem((await api().post(path).set(as('finance')).send({ format: 'pdf' })).body, 400);
    await api().post(path).set(world.pcc.headers).send({ format: 'csv' }).expect(403);
    await api().post(path).set(as('moderator')).send({ format: 'csv' }).expect(403);
    await api()
      .post('/api/v1/rounds/6f1c5a8e-3b7a-4c1e-9a55-2f0f8c1d2e3a/exports')
      .set(as('finance'))
      .send({ format: 'csv' })
      .expect(404);
    const { id } = await build('csv');
    await api().get(`/api/v1/exports/${id}`).set(as('admin')).expect(404);
    await api().get(`/api/v1/exports/${id}/download`).set(as('admin')).expect(404);
    // Not built yet (the queue paused): 409 with its status.
    const queue = new Queue(QUEUES.exports, {
      connection: redisConnection(t.config),
      prefix: queuePrefix(t.config),
    });
    await queue.pause();
    try {
      const waiting = await api().post(path).set(as('finance')).send({ format: 'csv' }).expect(202);
      const early = await api()
        .get(`/api/v1/exports/${waiting.body.id}/download`)
        .set(as('finance'));
      expectProblem(early.body, 409, 'export-not-ready');
      expect(early.body.detail).toContain('queued (0% built)');
    } finally {
      await queue.resume();
      await queue.close();
    }
    // An export whose job is gone (its worker lost past retries) reads failed, not queued forever.
    const [lost] = await t.app.get(DataSource).query<{ id: string }[]>(
      `INSERT INTO report_exports (round_id, format, as_at, requested_by)
       SELECT $1, 'csv', now(), id FROM users WHERE email = 'finance@demo.test' RETURNING id`,
      [setup.roundId],
    );
    const read = await api().get(`/api/v1/exports/${lost.id}`).set(as('finance')).expect(200);
    expect(read.body).toMatchObject({ status: 'failed' });
    expectProblem(
      (await api().get(`/api/v1/exports/${lost.id}/download`).set(as('finance'))).body,
      409,
      'export-not-ready',
    );
  });
});
