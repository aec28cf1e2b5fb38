import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { Queue, QueueEvents } from 'bullmq';
import { DataSource } from 'typeorm';
import type { Role } from '../src/common/access';
import { formatLondonZoned } from '../src/common/london-time';
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

  // Rows of a CSV as objects by heading.
  const csvRows = (csv: string) => {
    const [header, ...rows] = csvValues(csv);
    return rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]])));
  };
  // The "as at" moment as every CSV row names it: on the UK clock, with the zone.
  const ukTime = (iso: string) => formatLondonZoned(new Date(iso));

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
      /^attachment; filename="spend-summary-T[0-9A-F]+-\d{4}-\d{2}-\d{2}-\d{4}-(GMT|BST)\.csv"$/,
    );
    expect(body).toMatchObject({ progress: 100, sizeBytes: file.length });
    // UTF-8 with a byte-order mark (Excel on Windows then reads "£" right), CRLF line ends.
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = file.toString('utf8');
    expect(csv.split('\r\n').length).toBeGreaterThan(10);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
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
    const totals = csvRows(csv)
      .filter((row) => row.Level.startsWith('total: '))
      .map((row) =>
        [
          row.Level,
          row['Force area code'],
          row['Force area'],
          row['Applicant type code'],
          row['Applicant type'],
          row['Financial year'],
          row.Kind,
          row.Awards,
          row['Awarded (£)'],
        ].join(','),
      );
    expect(totals).toEqual([
      'total: round,,,,,,,1,300000.00',
      'total: year and kind,,,,,2024/25,Capital,1,100000.00',
      'total: year and kind,,,,,2025/26,Capital,1,150000.00',
      'total: year and kind,,,,,2025/26,Revenue,1,50000.00',
      'total: force area,E23000007,Northumbria,,,,,1,300000.00',
      'total: applicant type,,,pcc,Police and Crime Commissioner,,,1,300000.00',
    ]);
    const [first] = csvRows(csv);
    expect([first['As at'], first.Level, first.Reference]).toEqual([
      ukTime(body.asAt),
      'year',
      setup.bid.reference,
    ]);
    expect(first['As at']).toMatch(/^\d{1,2} \w+ \d{4} \d{2}:\d{2}:\d{2} (GMT|BST)$/);
    expect([first['Applicant type code'], first['Applicant type']]).toEqual([
      'pcc',
      'Police and Crime Commissioner',
    ]);
    // Variance as a whole percent, the same figures the JSON summary gives as at the same moment.
    const summary = await api()
      .get(`/api/v1/rounds/${setup.roundId}/spend-summary`)
      .query({ asAt: body.asAt })
      .set(as('finance'))
      .expect(200);
    const quarters = csvRows(csv).filter((row) => row.Level === 'quarter');
    expect(quarters.map((row) => row['Variance (%)'])).toEqual(
      summary.body.awards.items[0].quarters.map((q: { variancePercent: number | null }) =>
        q.variancePercent === null ? '' : String(q.variancePercent),
      ),
    );
    expect(quarters.map((row) => row['Return due'])).toEqual(
      quarters.map(() => expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/)),
    );
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

  it('builds a print-ready Excel workbook: title block, filters, formats, page set-up', async () => {
    const { headers, file } = await build('xlsx');
    expect(headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file as unknown as ArrayBuffer);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual([
      'Summary',
      'Awards',
      'By year',
      'By quarter',
    ]);
    for (const sheet of book.worksheets) {
      const header = sheet.name === 'Summary' ? 5 : 1;
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: header });
      expect(sheet.autoFilter).toMatch(new RegExp(`^A${header}:[A-Z]+${sheet.rowCount}$`));
      expect(sheet.pageSetup).toMatchObject({
        paperSize: 9,
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: `${header}:${header}`,
      });
      expect(sheet.headerFooter.oddHeader).toMatch(
        new RegExp(`^&LSpend summary: T[0-9A-F]+ .+&R${sheet.name}$`),
      );
      expect(sheet.headerFooter.oddFooter).toMatch(/^&LAs at .+ (GMT|BST)&RPage &P of &N$/);
    }
    const summary = book.getWorksheet('Summary') as ExcelJS.Worksheet;
    expect(summary.getCell('A1').value).toMatch(/^Spend summary: T[0-9A-F]+ /);
    expect(summary.getCell('A2').value).toBe('As at');
    expect(summary.getCell('B2').value).toMatch(/ (GMT|BST)$/);
    const round = summary.getRow(6);
    expect(round.getCell(1).value).toBe('Round');
    expect(round.getCell(6).value).toBe(1);
    expect(round.getCell(7).value).toBe(300_000);
    expect(round.getCell(7).numFmt).toBe('"£"#,##0.00');
    expect(round.getCell(8).value).toBe(190_000);
    expect(round.getCell(13).value).toBe(140_000);
    const years = book.getWorksheet('By year');
    expect(years?.rowCount).toBe(4);
    const quarters = book.getWorksheet('By quarter') as ExcelJS.Worksheet;
    expect(quarters.rowCount).toBe(5);
    const headings = (quarters.getRow(1).values as string[]).slice(1);
    const cell = (row: number, heading: string) =>
      quarters.getRow(row).getCell(headings.indexOf(heading) + 1);
    expect(cell(2, 'Applicant type').value).toBe('Police and Crime Commissioner');
    expect(cell(2, 'Return due').value).toBeInstanceOf(Date);
    expect(cell(2, 'Return due').numFmt).toBe('d mmm yyyy');
    // Variance a percent: -10% held as -0.1, the figure the CSV and the summary show as -10.
    expect(cell(2, 'Variance (%)').value).toBe(-0.1);
    expect(cell(2, 'Variance (%)').numFmt).toBe('0%');
  });

  it('builds a printable HTML report with charts drawn as SVG', async () => {
    const { headers, file } = await build('html');
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    const html = file.toString('utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(
      '<title id="chart-quarters-title">Spend by quarter: profile, claimed, approved and paid</title>',
    );
    // Each chart's amounts are in its description too, for screen readers.
    expect(html).toMatch(
      new RegExp(
        `<desc id="chart-[0-9a-f-]+-desc">${setup.bid.reference}: awarded £300,000.00, claimed £190,000.00, approved £150,000.00, paid £150,000.00.</desc>`,
      ),
    );
    expect(html).toContain(
      '<td class="number">£300,000.00</td><td class="number">£190,000.00</td>',
    );
    expect(html).toContain(`1 return is overdue for ${setup.bid.reference}.`);
    // Codes read as words: the applicant type by its name, the award's status and kinds capitalised.
    expect(html).toContain('<th scope="row">Police and Crime Commissioner</th>');
    expect(html).toContain('</th><th scope="row">Capital</th>');
    expect(html).toMatch(/\), Active<\/h3>/);
    expect(html).not.toContain('<script');
  });

  it('builds the same figures as at an earlier moment, whatever came since', async () => {
    const { file } = await build('csv', earlier);
    const csv = file.toString('utf8');
    expect(sumColumn(csv, 'year', 'Claimed (£)')).toBe(15_000_000);
    expect(sumColumn(csv, 'year', 'Paid (£)')).toBe(9_000_000);
    expect(sumColumn(csv, 'quarter', 'Forecast (£)')).toBe(5_000_000);
    const [first] = csvRows(csv);
    expect([first['As at'], first.Level]).toEqual([ukTime(earlier), 'year']);
  });

  it('names the file by the UK clock of its moment, with the zone, as its rows do', async () => {
    const rounds = await api().get('/api/v1/rounds?limit=100').set(as('finance')).expect(200);
    const demo = rounds.body.items.find((r: { code: string }) => r.code === 'SSF-DEMO-R');
    // 00:30 BST on 1 April is 23:30 UTC on 31 March: the file says what its rows say.
    const { headers, file } = await build('csv', '2026-04-01T00:30:00+01:00', demo.id);
    expect(headers['content-disposition']).toBe(
      'attachment; filename="spend-summary-SSF-DEMO-R-2026-04-01-0030-BST.csv"',
    );
    expect(csvRows(file.toString('utf8'))[0]['As at']).toBe('1 April 2026 00:30:00 BST');
  });

  it('exports a round with no accepted awards as a valid, empty summary', async () => {
    const rounds = await api().get('/api/v1/rounds?limit=100').set(as('finance')).expect(200);
    const open = rounds.body.items.find((r: { code: string }) => r.code === 'SSF-DEMO');
    const { file } = await build('csv', undefined, open.id);
    const rows = csvRows(file.toString('utf8'));
    expect(rows).toHaveLength(1);
    expect([rows[0].Level, rows[0].Awards, rows[0]['Awarded (£)']]).toEqual([
      'total: round',
      '0',
      '0.00',
    ]);
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

  it('asks for one export however often a request is sent again with its Idempotency-Key', async () => {
    const path = `/api/v1/rounds/${setup.roundId}/exports`;
    const key = `export-${randomUUID()}`;
    // Sent three times at once (a double click, a retry after a timeout): one export.
    const sent = await Promise.all(
      [1, 2, 3].map(() =>
        api().post(path).set(as('admin')).set('idempotency-key', key).send({ format: 'xlsx' }),
      ),
    );
    expect(sent.map((answer) => answer.status)).toEqual([202, 202, 202]);
    const ids = new Set(sent.map((answer) => (answer.body as { id: string }).id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const audit = await api()
      .get(`/api/v1/audit-events?objectType=report_export&objectId=${id}&limit=100`)
      .set(as('admin'))
      .expect(200);
    expect(
      (audit.body.items as { command: string }[]).filter((e) => e.command === 'export.request'),
    ).toHaveLength(1);
    // The key again for something else is refused, and makes nothing.
    const other = await api()
      .post(path)
      .set(as('admin'))
      .set('idempotency-key', key)
      .send({ format: 'csv' });
    expectProblem(other.body, 422, 'idempotency-key-reused');
    const bad = await api()
      .post(path)
      .set(as('admin'))
      .set('idempotency-key', 'not a key')
      .send({ format: 'csv' });
    expectProblem(bad.body, 400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    const [{ count }] = await t.app
      .get(DataSource)
      .query<{ count: string }[]>(`SELECT count(*) FROM report_exports WHERE creation_key = $1`, [
        key,
      ]);
    expect(Number(count)).toBe(1);
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
