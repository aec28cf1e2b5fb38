// What a spreadsheet runs as a formula: a cell whose text starts with one of these.
const FORMULA_STARTS = new Set(['=', '+', '-', '@', '\t', '\r']);
// Where a spreadsheet may start a new cell inside one field of ours: at a separator it splits a
// CSV on when it guesses or is told (comma, semicolon, tab, pipe; Excel in many European
// locales splits on semicolons, which `Lights;=1+2` counts on) or a line break (a reader that
// ignores quotes). Spaces and double quotes just after one still leave the next character first
// in its cell. Spaces themselves are not counted: whoever splits on them breaks every cell.
const SEPARATORS = new Set([',', ';', '\t', '|', '\r', '\n']);
const STILL_AT_START = new Set([' ', '"']);

// Text from people (titles, organisation names) made safe for a CSV opened in a spreadsheet:
// every formula start that would begin a cell, at the start of the text or after a separator,
// gets an apostrophe before it, which spreadsheets read as "this cell is text". Other text is
// left alone: `Byker = Walker` stays as it is.
export function spreadsheetText(text: string | null | undefined): string {
  let safe = '';
  let cellStart = true;
  for (const char of text ?? '') {
    if (cellStart && FORMULA_STARTS.has(char)) {
      safe += "'";
    }
    safe += char;
    if (SEPARATORS.has(char)) {
      cellStart = true;
    } else if (!STILL_AT_START.has(char)) {
      cellStart = false;
    }
  }
  return safe;
}

// A text field of a CSV as every CSV we write has it: guarded as above, always in double quotes
// (quotes inside doubled, RFC 4180), so separators and line breaks in it stay inside the field.
// Nothing (null) is an empty field.
export function csvText(text: string | null | undefined): string {
  return text === null || text === undefined
    ? ''
    : `"${spreadsheetText(text).replace(/"/g, '""')}"`;
}

// The same field in SQL (for a CSV PostgreSQL writes), from the same characters: a regular
// expression puts the apostrophe before each formula start that begins a cell (at the start or
// after a separator, past spaces and quotes), run only on text that holds a formula start.
const bracket = (chars: ReadonlySet<string>) =>
  `[${[...chars]
    .map((char) => ({ '\t': '\\t', '\r': '\\r', '\n': '\\n', '-': '\\-' })[char] ?? char)
    .join('')}]`;
const GUARD_SQL = `'(?<=^|${bracket(SEPARATORS)})${bracket(STILL_AT_START)}*(?=${bracket(FORMULA_STARTS)})'`;
const FORMULA_SQL = `'${bracket(FORMULA_STARTS)}'`;
export function csvTextSql(text: string): string {
  const quoted = (sql: string) => `'"' || replace(${sql}, '"', '""') || '"'`;
  return `CASE WHEN ${text} IS NULL THEN ''
               WHEN ${text} ~ ${FORMULA_SQL} THEN ${quoted(`regexp_replace(${text}, ${GUARD_SQL}, '\\&''', 'g')`)}
               ELSE ${quoted(text)} END`;
}

// Every CSV we write starts with the byte-order mark (Excel on Windows reads a CSV as UTF-8 only
// with it, else "£" is "Â£") and ends its lines with CRLF, as other readers expect (RFC 4180).
export const CSV_BOM = '\uFEFF';
export const CSV_LINE_END = '\r\n';

// One record: numbers as they are, text through csvText; ends with CRLF (or `end`).
export function csvRecord(
  values: readonly (string | number | null | undefined)[],
  end = CSV_LINE_END,
): string {
  return `${values.map((value) => (typeof value === 'number' ? String(value) : csvText(value))).join(',')}${end}`;
}
