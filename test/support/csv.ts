export interface CsvField {
  value: string;
  quoted: boolean;
}

// An RFC 4180 CSV (records ending with CRLF, or a line feed alone; a leading byte-order mark
// skipped, as spreadsheets do) read into records of fields, each with whether it was quoted.
export function parseCsv(text: string): CsvField[][] {
  if (text.startsWith('\uFEFF')) {
    return parseCsv(text.slice(1));
  }
  const records: CsvField[][] = [];
  let record: CsvField[] = [];
  let at = 0;
  while (at < text.length) {
    let value = '';
    const quoted = text[at] === '"';
    if (quoted) {
      at += 1;
      for (;;) {
        const close = text.indexOf('"', at);
        if (close < 0) {
          throw new Error(`Unclosed quote in the CSV at ${at}`);
        }
        value += text.slice(at, close);
        at = close + 1;
        if (text[at] !== '"') {
          break;
        }
        value += '"';
        at += 1;
      }
    } else {
      const end = text.slice(at).search(/[,\r\n]/);
      value = end < 0 ? text.slice(at) : text.slice(at, at + end);
      at += value.length;
    }
    record.push({ value, quoted });
    if (text[at] === ',') {
      at += 1;
    } else {
      if (text[at] === '\r' && text[at + 1] === '\n') {
        at += 1;
      }
      if (text[at] !== '\n' && at < text.length) {
        throw new Error(`Expected a comma or a line end in the CSV at ${at}`);
      }
      at += 1;
      records.push(record);
      record = [];
    }
  }
  return records;
}

// The values of a CSV's records.
export function csvValues(text: string): string[][] {
  return parseCsv(text).map((record) => record.map((field) => field.value));
}

const NUMBER = /^-?\d+(\.\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;

// What a spreadsheet might start a formula with, however it reads the file: with or without
// honouring quotes, split on commas, semicolons, tabs, pipes or line breaks. Each such cell (its
// leading spaces and quotes taken off) that starts a formula and is not a plain number.
export function formulaCells(text: string): string[] {
  const found: string[] = [];
  const pieces = [...parseCsv(text).flatMap((record) => record.map((field) => field.value)), text];
  for (const piece of pieces) {
    for (const cell of piece.split(/[,;\t|\r\n]/)) {
      const start = cell.replace(/^[ "]+/, '');
      if (FORMULA_START.test(start) && !NUMBER.test(start)) {
        found.push(cell);
      }
    }
  }
  return found;
}

// Fields that are neither quoted, empty nor a plain number: text a writer forgot to quote.
export function unquotedText(text: string): string[] {
  return parseCsv(text)
    .flat()
    .filter((field) => !field.quoted && field.value !== '' && !NUMBER.test(field.value))
    .map((field) => field.value);
}
