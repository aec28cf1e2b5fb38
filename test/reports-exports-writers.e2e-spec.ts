import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import type { SpendLines } from '../src/reports/spend-export';
import { writeSpendCsv } from '../src/reports/spend-csv';
import { EXPORT_LINES } from '../src/reports/spend-lines.sql';
import { EXPORT_SETTINGS } from '../src/reports/spend-summary.sql';
import { writeSpendXlsx } from '../src/reports/spend-xlsx';
import { NORTHUMBRIA_PCC, organisationIds } from './support/bids';
import { buildExport, twoYearRound, type ReturnsWorld } from './support/reports';

// The files the worker has PostgreSQL write (the CSV's lines, the workbook's rows) agree with the
// writers in Node that make each cell from the lines of a cursor (writeSpendCsv, writeSpendXlsx),
// read in one snapshot as at the same moment: the CSV byte for byte, the workbook cell for cell
// (value, number format, font), for an organisation whose name holds markup, quotes and a
// formula.
describe('reports: the files PostgreSQL writes agree with the writers in Node', () => {
  let setup: ReturnsWorld;
  let dir: string;
  const hostile = `=HYPERLINK("http://x.test")&<b>Chief's "office"</b> & co`;

  beforeAll(async () => {
    setup = await twoYearRound();
    dir = await mkdtemp(join(tmpdir(), 'ssg-writers-'));
  }, 90_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await setup.world.close();
  });

  // The file as Node's writer makes it from the export's lines as at `asAt`.
  const writtenInNode = async (format: 'csv' | 'xlsx', asAt: Date, target: string) => {
    const { t } = setup.world;
    const runner = t.app.get(DataSource).createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query(EXPORT_SETTINGS);
      const [round] = (await runner.query('SELECT code, name FROM funding_rounds WHERE id = $1', [
        setup.roundId,
      ])) as { code: string; name: string }[];
      const client = (await runner.connect()) as { query: (query: QueryStream) => QueryStream };
      const data: SpendLines = {
        round,
        asAt,
        asAtLondon: '',
        lines: client.query(
          new QueryStream(EXPORT_LINES[format], [setup.roundId, asAt], { rowMode: 'array' }),
        ),
        tick: () => undefined,
      };
      await (format === 'csv' ? writeSpendCsv(target, data) : writeSpendXlsx(target, data));
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
  };

  const cellsOf = async (file: Buffer) => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file as unknown as ArrayBuffer);
    return book.worksheets.map((sheet) => ({
      name: sheet.name,
      rows: sheet.rowCount,
      cells: Array.from({ length: sheet.rowCount }, (_, at) => {
        const row = sheet.getRow(at + 1);
        return Array.from({ length: sheet.columnCount }, (__, column) => {
          const cell = row.getCell(column + 1);
          return { value: cell.value, numFmt: cell.numFmt, bold: cell.font?.bold ?? false };
        });
      }),
    }));
  };

  it('writes the CSV byte for byte, and the workbook cell for cell, as Node would', async () => {
    const { t, as } = setup.world;
    const id = (await organisationIds(t, as('admin')))[NORTHUMBRIA_PCC];
    const rename = (name: string) =>
      t.http().patch(`/api/v1/organisations/${id}`).set(as('admin')).send({ name }).expect(200);
    await rename(hostile);
    try {
      const asAt = new Date();
      const csv = await buildExport(setup.world, setup.roundId, 'csv', asAt.toISOString());
      expect(csv.file.toString()).toContain('"\'=HYPERLINK(""http://x.test"")&<b>Chief');
      await writtenInNode('csv', asAt, join(dir, 'node.csv'));
      expect(csv.file.equals(await readFile(join(dir, 'node.csv')))).toBe(true);

      const xlsx = await buildExport(setup.world, setup.roundId, 'xlsx', asAt.toISOString());
      await writtenInNode('xlsx', asAt, join(dir, 'node.xlsx'));
      const ours = await cellsOf(xlsx.file);
      expect(ours.map((sheet) => sheet.rows)).toEqual([11, 2, 4, 5]);
      const awards = ours[1].cells;
      expect(awards[1][awards[0].findIndex((cell) => cell.value === 'Organisation')].value).toBe(
        hostile,
      );
      expect(ours).toEqual(await cellsOf(await readFile(join(dir, 'node.xlsx'))));
    } finally {
      // Other suites of this worker find the demo organisation by its name.
      await rename(NORTHUMBRIA_PCC);
    }
  });
});
