import type { ColumnType, ExportColumn } from './export-column';
import { RETURN_ID_COLUMN } from './export-columns.spec-fixture';
import { SPEND_COLUMNS } from './spend-columns';
import { spendCsvCopy } from './spend-csv.sql';
import { spendXlsxCopy } from './spend-xlsx.sql';

const ROUND = '9d1c3d9e-8a5c-4a1e-9c43-2f1f7f0f6a11';
const AS_AT = new Date('2026-04-01T08:00:05Z');
const STYLES: Record<ColumnType, number> = {
  pounds: 1,
  percent: 2,
  date: 3,
  count: 4,
  ukTime: 0,
  text: 0,
  label: 0,
  flag: 0,
};
// The files PostgreSQL writes, each from a column definition.
const FILES: [string, (columns?: readonly ExportColumn[]) => string][] = [
  ['the CSV', (columns) => spendCsvCopy(ROUND, AS_AT, columns)],
  ['the workbook', (columns) => spendXlsxCopy(ROUND, AS_AT, STYLES, columns)],
];

describe('the files PostgreSQL writes (spendCopy), from the column definition', () => {
  it.each(FILES)('writes the round and the moment into the COPY of %s as literals', (_, copyOf) => {
    const copy = copyOf();
    expect(copy.startsWith('COPY (')).toBe(true);
    expect(copy.endsWith(') TO STDOUT')).toBe(true);
    expect(copy).not.toMatch(/\$\d/);
    expect(copy).toContain(`'${ROUND}'::uuid`);
    expect(copy).toContain(`'2026-04-01T08:00:05.000Z'::timestamptz`);
  });

  it.each(FILES)('refuses, in %s, a derived column with no SQL, naming it', (_, copyOf) => {
    const derived: ExportColumn = {
      key: 'reference_length',
      heading: 'Reference length',
      type: 'count',
      width: 8,
      derive: { levels: ['quarter'], value: (line) => String(line.get('reference')).length },
      csv: true,
      excel: true,
    };
    expect(() => copyOf([...SPEND_COLUMNS, derived])).toThrow(/reference_length has no SQL/);
  });

  it('shows a column added in one place on the CSV lines of its levels, blank on the others', () => {
    const copy = spendCsvCopy(ROUND, AS_AT, [...SPEND_COLUMNS, RETURN_ID_COLUMN]);
    // Guarded and quoted on quarter lines only: year and total lines end with an empty field.
    // Year and quarter lines are each read in two places: the kept awards' award by award, the
    // live awards' apart.
    expect(copy.match(/WHEN d\.id::text ~/g)).toHaveLength(2);
    expect(copy.match(/w\.underspend_risk,\s*',',\s*CASE WHEN d\.id::text IS NULL/g)).toHaveLength(
      2,
    );
    expect(copy.match(/w\.underspend_risk,\s*','\)/g)).toHaveLength(2);
  });

  it('puts a column added in one place on the sheet of its level, after the columns before it', () => {
    const copy = spendXlsxCopy(ROUND, AS_AT, STYLES, [...SPEND_COLUMNS, RETURN_ID_COLUMN]);
    // The By quarter sheet has 18 columns before it: it is the 19th, S; text, unstyled.
    const cell = `'<c r="S\u0002" t="inlineStr"><is><t xml:space="preserve">' || CASE WHEN d.id::text ~`;
    expect(copy.split(cell)).toHaveLength(2);
    // Money is a number in pounds, styled as money.
    expect(copy).toContain(`'<c r="H\u0002" s="1"><v>' || coalesce(((`);
  });
});
