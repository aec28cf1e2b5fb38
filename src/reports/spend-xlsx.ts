import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { formatLondonZoned } from '../common/london-time';
import {
  type Cell,
  cellOf,
  type ColumnType,
  type ExportColumn,
  LINE_LEVELS,
  type LineLevel,
  reportText,
  SHEET_NAMES,
} from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
import { columnsByLevel, type ExportLine, lineReader, type SpendLines } from './spend-export';
import { type XlsxRow, type XlsxStyle, type XlsxValue, XlsxWorkbook } from './xlsx-workbook';

// Each type's number format: money in pounds with the £, a whole percent (spendVariancePercent,
// held as a fraction: -10% is -0.1), a date as the UK writes it, a count as a whole number.
const FORMATS: Record<ColumnType, XlsxStyle> = {
  pounds: { numFmt: '"£"#,##0.00' },
  percent: { numFmt: '0%' },
  date: { numFmt: 'd mmm yyyy' },
  ukTime: {},
  count: { numFmt: '0' },
  text: {},
  label: {},
  flag: {},
};

// A cell's value as the workbook holds it: money as pounds, a percent as a fraction, a date as a
// date (midnight UTC, which Excel shows as that calendar day), flags as yes or no.
function cellValue(type: ColumnType, value: Cell): XlsxValue {
  if (value === null) {
    return type === 'pounds' ? 0 : null;
  }
  switch (type) {
    case 'pounds':
      return Number(value) / 100;
    case 'percent':
      return Number(value) / 100;
    case 'count':
      return Number(value);
    case 'date':
      return new Date(`${String(value)}T00:00:00Z`);
    case 'ukTime':
    case 'flag':
      // In words, as the printed report shows them.
      return reportText(type, value);
    case 'text':
    case 'label':
      return String(value);
  }
}

// Header and footer text is a code of its own: `&` starts one, so a literal one is doubled.
const headerText = (text: string) => text.replace(/&/g, '&&');

// The summary as a workbook, written sheet by sheet as the lines come (the query gives them in
// the sheets' order): Summary (a title and "as at" block, then the round's totals and subtotals),
// Awards, By year (award × financial year × kind) and By quarter (award × quarter). Each sheet's
// columns are those of the definition (spend-columns.ts) its level has; every table has a bold,
// frozen header row with a filter, repeated on every printed page; money is pounds shown as £,
// variance a percent, dates real dates. Printed A4 landscape, one page wide, with the round and
// moment in the header and "Page n of m" in the footer. The next line is read only once the file
// has taken the ones before (xlsx-package.ts), so memory stays flat whatever the round's size.
export async function writeSpendXlsx(
  target: string,
  data: SpendLines,
  columns: readonly ExportColumn[] = SPEND_COLUMNS,
): Promise<void> {
  const out = createWriteStream(target);
  const title = `Spend summary: ${data.round.code} ${data.round.name}`;
  const asAt = formatLondonZoned(data.asAt);
  const book = new XlsxWorkbook(out, {
    title: `${title}, as at ${asAt}`,
    creator: 'Safer Streets grants',
    created: data.asAt,
  });
  const styles = Object.fromEntries(
    Object.entries(FORMATS).map(([type, format]) => [type, book.style(format)]),
  ) as Record<ColumnType, number>;
  const bold = book.style({ font: { bold: true } });
  const titleStyle = book.style({ font: { bold: true, size: 14 } });
  const shown = columns.filter((column) => column.excel);
  const onLevel = columnsByLevel(shown);
  const read = lineReader(columns, data.asAt);
  const lines = (data.lines as AsyncIterable<ExportLine>)[Symbol.asyncIterator]();
  let waiting: ExportLine | undefined;
  let count = 0;
  const next = async (): Promise<ExportLine | undefined> => {
    if (waiting) {
      const line = waiting;
      waiting = undefined;
      return line;
    }
    const result = await lines.next();
    if (result.done) {
      return undefined;
    }
    count += 1;
    const progress = data.tick(count);
    if (progress) {
      await progress;
    }
    return result.value;
  };

  // A level's sheet: (the Summary's title block,) its headings, then its lines, up to the first
  // line of a later sheet, which waits for it.
  async function* rowsOf(level: LineLevel, sheetColumns: ExportColumn[]): AsyncIterable<XlsxRow> {
    if (level === 'total') {
      yield { cells: [{ value: title, style: titleStyle }], style: titleStyle };
      yield { cells: [{ value: 'As at' }, { value: asAt }] };
      yield { cells: [{ value: 'As at (UTC)' }, { value: data.asAt.toISOString() }] };
      yield { cells: [] };
    }
    yield {
      cells: sheetColumns.map((column) => ({ value: column.heading, style: bold })),
      style: bold,
    };
    const index = LINE_LEVELS.indexOf(level);
    for (let line = await next(); line !== undefined; line = await next()) {
      const { level: lineLevel, context } = read(line);
      const at = LINE_LEVELS.indexOf(lineLevel);
      if (at < index) {
        throw new Error(`A ${lineLevel} line came after the ${SHEET_NAMES[level]} sheet began`);
      }
      if (at > index) {
        waiting = line;
        return;
      }
      yield {
        cells: sheetColumns.map((column) => ({
          value: cellValue(column.type, cellOf(column, context)),
          style: styles[column.type],
        })),
      };
    }
  }

  try {
    for (const level of LINE_LEVELS) {
      const sheetColumns = shown.filter((column) => onLevel[level].has(column));
      const name = SHEET_NAMES[level];
      await book.addSheet({
        name,
        widths: sheetColumns.map((column) => column.width),
        headerRow: level === 'total' ? 5 : 1,
        header: `&L${headerText(title)}&R${headerText(name)}`,
        footer: `&LAs at ${headerText(asAt)}&RPage &P of &N`,
        rows: rowsOf(level, sheetColumns),
      });
    }
    await book.finish();
    out.end();
    await finished(out);
  } catch (error) {
    out.destroy();
    await lines.return?.();
    throw error;
  }
}
