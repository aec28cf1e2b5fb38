import { londonZonedSql } from '../common/london-time';
import {
  type ColumnType,
  type ExportColumn,
  LINE_LEVELS,
  type LineLevel,
  reportText,
  sqlLiteral,
} from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
import { type CopyFormat, spendCopy } from './spend-copy.sql';
import { columnsByLevel } from './spend-export';
import { columnLetters, EXCEL_EPOCH, xmlTextSql } from './xlsx-workbook';

// The workbook's rows written by PostgreSQL itself (spend-copy.sql.ts): each line of the COPY is
// one row of a sheet in SpreadsheetML, its cells as writeSpendXlsx's XlsxWorkbook writes them,
// and each sheet's rows come after a line of its own that marks where the sheet starts
// (SHEET_MARK, then the sheet's number in LINE_LEVELS' order), so spend-xlsx-copy.ts finds where
// one sheet ends by looking for that byte alone. Node writes the rest: the sheets' headings, the
// Summary's title block, styles and the package.

// Each sheet's heading row: its table's rows follow it (the Summary has its title block above).
export const HEADING_ROW: Record<LineLevel, number> = { total: 5, award: 1, year: 1, quarter: 1 };
// Stands for the row's number in its cells' references until the rows are numbered, in their
// sheet's order: a control character, which text in a cell never holds (xmlTextSql drops them).
const ROW = '\u0002';
// Starts a sheet's mark: a control character too.
export const SHEET_MARK = 0x01;

// A value as a cell holds it (NULL: no cell): money as pounds (none is 0), a percent as a
// fraction, a date as Excel's day number, a flag as yes or no and a moment on the UK clock as
// words, text as XML text; `number` says whether it is a number or inline text.
function contentSql(type: ColumnType, value: string): { sql: string; number: boolean } {
  switch (type) {
    case 'pounds':
      return { sql: `coalesce(((${value})::numeric * 0.01)::text, '0')`, number: true };
    case 'percent':
      return { sql: `((${value})::numeric * 0.01)::text`, number: true };
    case 'count':
      return { sql: `(${value})::text`, number: true };
    case 'date':
      return {
        sql: `((${value})::date - date ${sqlLiteral(EXCEL_EPOCH)})::text`,
        number: true,
      };
    case 'ukTime':
      return { sql: xmlTextSql(londonZonedSql(value)), number: false };
    case 'flag':
      return {
        sql: `CASE WHEN ${value} THEN ${sqlLiteral(reportText('flag', true))}
                   WHEN NOT ${value} THEN ${sqlLiteral(reportText('flag', false))} END`,
        number: false,
      };
    case 'text':
    case 'label':
      return { sql: xmlTextSql(value), number: false };
  }
}
const isNumber = (type: ColumnType) => contentSql(type, 'NULL').number;

// The workbook's sheets after the Summary's title block, each its level's lines with the columns
// the level has, every cell styled by its column's type (`styles`: the workbook's style of each).
function xlsxFormat(
  columns: readonly ExportColumn[],
  styles: Record<ColumnType, number>,
): CopyFormat {
  const shown = columns.filter((column) => column.excel);
  const onLevel = columnsByLevel(shown);
  const section = (level: LineLevel) => LINE_LEVELS.indexOf(level);
  return {
    shown,
    levels: LINE_LEVELS,
    place: (level) => ({ section: section(level), rank: 0 }),
    part: (column, value) => contentSql(column.type, value).sql,
    record: (level, partOf) => {
      const cells = shown
        .filter((column) => onLevel[level].has(column))
        .map((column, at) => {
          const style = styles[column.type] ? ` s="${styles[column.type]}"` : '';
          const ref = `<c r="${columnLetters(at + 1)}${ROW}"${style}`;
          const [open, close] = isNumber(column.type)
            ? [`${ref}><v>`, '</v></c>']
            : [`${ref} t="inlineStr"><is><t xml:space="preserve">`, '</t></is></c>'];
          // NULL content makes the cell NULL, which concat leaves out.
          return `${sqlLiteral(open)} || ${partOf(column)} || ${sqlLiteral(close)}`;
        });
      return `concat(${[sqlLiteral(`<row r="${ROW}">`), ...cells, sqlLiteral('</row>')].join(',\n           ')})`;
    },
    start: (number) => `chr(${SHEET_MARK}) || ${number}`,
    // Numbered from the row after the heading: the mark is the first line of its sheet.
    select: (order) => `
  SELECT replace(l.record, ${sqlLiteral(ROW)},
           (row_number() OVER (PARTITION BY l.section ORDER BY ${order})
            + CASE l.section ${LINE_LEVELS.map((level) => `WHEN ${section(level)} THEN ${HEADING_ROW[level] - 1}`).join(' ')} END)::text)
  FROM lines l
  ORDER BY ${order}`,
  };
}

// The query PostgreSQL writes the workbook's rows with, for `COPY (…) TO STDOUT`.
export function spendXlsxCopy(
  roundId: string,
  asAt: Date,
  styles: Record<ColumnType, number>,
  columns: readonly ExportColumn[] = SPEND_COLUMNS,
): string {
  return spendCopy(xlsxFormat(columns, styles), roundId, asAt, columns);
}
