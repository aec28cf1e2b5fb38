import type { ExportColumn } from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
import { spendCsvCopy } from './spend-csv.sql';

const ROUND = '9d1c3d9e-8a5c-4a1e-9c43-2f1f7f0f6a11';
const AS_AT = new Date('2026-04-01T08:00:05Z');

describe('spendCsvCopy (the CSV PostgreSQL writes, from the column definition)', () => {
  it('writes the round and the moment into the COPY as literals', () => {
    const copy = spendCsvCopy(ROUND, AS_AT);
    expect(copy.startsWith('COPY (')).toBe(true);
    expect(copy.endsWith(') TO STDOUT')).toBe(true);
    expect(copy).not.toMatch(/\$\d/);
    expect(copy).toContain(`'${ROUND}'::uuid`);
    expect(copy).toContain(`'2026-04-01T08:00:05.000Z'::timestamptz`);
  });

  it('shows a column added in one place on the lines of its levels, blank on the others', () => {
    const extra: ExportColumn = {
      key: 'return_id',
      heading: 'Return id',
      type: 'text',
      width: 38,
      sqlType: 'text',
      sql: { quarter: 'd.id::text' },
      csv: true,
      excel: true,
    };
    const copy = spendCsvCopy(ROUND, AS_AT, [...SPEND_COLUMNS, extra]);
    // Guarded and quoted on quarter lines only: year and total lines end with an empty field.
    expect(copy.match(/WHEN d\.id::text ~/g)).toHaveLength(1);
    expect(copy.match(/w\.underspend_risk,\s*',',\s*CASE WHEN d\.id::text IS NULL/g)).toHaveLength(
      1,
    );
    expect(copy.match(/w\.underspend_risk,\s*','\)/g)).toHaveLength(1);
  });

  it('refuses a derived column with no SQL, naming it', () => {
    const derived: ExportColumn = {
      key: 'reference_length',
      heading: 'Reference length',
      type: 'count',
      width: 8,
      derive: { levels: ['quarter'], value: (line) => String(line.get('reference')).length },
      csv: true,
      excel: true,
    };
    expect(() => spendCsvCopy(ROUND, AS_AT, [...SPEND_COLUMNS, derived])).toThrow(
      /reference_length has no SQL/,
    );
  });
});
