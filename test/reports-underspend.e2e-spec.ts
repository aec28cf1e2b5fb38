import ExcelJS from 'exceljs';
import type { SpendSummaryDto } from '../src/reports/spend-summary.dto';
import { csvValues } from './support/csv';
import { buildExport } from './support/reports';
import { activeAward, type ReturnsWorld } from './support/returns';

// An active award of £300,000 in 2025/26 (see activeAward) whose four returns are all overdue
// and nothing claimed or forecast: the worst underspend there is, flagged alike in the JSON
// summary and in the CSV, Excel and HTML exports.
describe('reports: underspend risk with nothing claimed', () => {
  let setup: ReturnsWorld;

  beforeAll(async () => {
    setup = await activeAward();
  }, 90_000);
  afterAll(() => setup.world.close());

  const build = (format: string) => buildExport(setup.world, setup.roundId, format);

  it('flags the award in the JSON summary', async () => {
    const summary: SpendSummaryDto = (
      await setup.world.t
        .http()
        .get(`/api/v1/rounds/${setup.roundId}/spend-summary`)
        .query({ asAt: new Date().toISOString() })
        .set(setup.world.as('finance'))
        .expect(200)
    ).body;
    expect(summary.awards.items).toEqual([
      expect.objectContaining({
        reference: setup.bid.reference,
        status: 'active',
        claimedPence: 0,
        forecastPence: 0,
        overdueReturns: 4,
        underspendRisk: true,
      }),
    ]);
  });

  it('flags it on every year row of the CSV', async () => {
    const [header, ...rows] = csvValues((await build('csv')).file.toString('utf8'));
    const flag = header.indexOf('Underspend risk');
    expect(flag).toBeGreaterThan(0);
    const years = rows.filter((cells) => cells[1] === 'year');
    expect(years.length).toBeGreaterThan(0);
    expect(years.map((cells) => cells[flag])).toEqual(years.map(() => 'yes'));
  });

  it('flags it on the Awards sheet of the workbook', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await build('xlsx')).file as unknown as ArrayBuffer);
    const awards = book.getWorksheet('Awards');
    const header = (awards?.getRow(1).values ?? []) as unknown[];
    const flag = header.indexOf('Underspend risk');
    expect(flag).toBeGreaterThan(0);
    expect(awards?.rowCount).toBe(2);
    expect(awards?.getRow(2).getCell(flag).value).toBe('yes');
  });

  it('flags it in the HTML report', async () => {
    const html = (await build('html')).file.toString('utf8');
    // Both warnings come straight after the award's heading, naming it.
    const award = html.slice(html.indexOf('<section class="award">'));
    const warnings = award.slice(award.indexOf('</h3>'), award.indexOf('<svg'));
    expect(warnings).toMatch(/4 returns are overdue for [A-Z0-9-]+\./);
    expect(warnings).toMatch(/underspend risk for [A-Z0-9-]+: claims and forecasts fall short/);
  });
});
