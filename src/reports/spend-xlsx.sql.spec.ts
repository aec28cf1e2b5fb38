import type { ColumnType, ExportColumn } from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
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

describe('spendXlsxCopy (the workbook rows PostgreSQL writes, from the column definition)', () => {
  it('writes the round and the moment into the COPY as literals', () => {
    const copy = spendXlsxCopy(ROUND, AS_AT, STYLES);
    expect(copy.startsWith('COPY (')).toBe(true);
    expect(copy.endsWith(') TO STDOUT')).toBe(true);
    expect(copy).not.toMatch(/\$\d/);
    expect(copy).toContain(`'${ROUND}'::uuid`);
    expect(copy).toContain(`'2026-04-01T08:00:05.000Z'::timestamptz`);
  });

  it('puts a column added in one place on the sheet of its level, after the columns before it', () => {
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
    const copy = spendXlsxCopy(ROUND, AS_AT, STYLES, [...SPEND_COLUMNS, extra]);
    // The By quarter sheet has 18 columns before it: it is the 19th, S; text, unstyled.
    const cell = `'<c r="S\u0002" t="inlineStr"><is><t xml:space="preserve">' || CASE WHEN d.id::text ~`;
    expect(copy.split(cell)).toHaveLength(2);
    // Money is a number in pounds, styled as money.
    expect(copy).toContain(`'<c r="H\u0002" s="1"><v>' || coalesce(((`);
  });

  it('refuses a derived column with no SQL, naming it', () => {
    const derived: ExportColumn = {
      key: 'reference_length',
      heading: 'Reference length',
      type: 'count',
      width: 8,
      derive: { levels: ['quarter'], value: (line) => String(line.get('reference')).length },
      csv: false,
      excel: true,
    };
    expect(() => spendXlsxCopy(ROUND, AS_AT, STYLES, [...SPEND_COLUMNS, derived])).toThrow(
      /reference_length has no SQL/,
    );
  });
});
