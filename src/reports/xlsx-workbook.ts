import type { Writable } from 'node:stream';
import { XlsxPackage } from './xlsx-package';

// A workbook written as SpreadsheetML (ECMA-376) into its package, sheet by sheet as its rows
// come: what a sheet says about itself (frozen header, column widths, filter, page set-up,
// header and footer) and each row's cells. Text is written in the cell (inline strings), so
// nothing grows with the workbook but the list of its sheets and styles.

export type XlsxValue = string | number | Date | null;
// A cell's value and its style (an index from XlsxWorkbook.style; 0 is the default).
export interface XlsxCell {
  value: XlsxValue;
  style?: number;
}
// A row: its cells from the first column (null: no cell), and a style for the row itself.
export interface XlsxRow {
  cells: readonly (XlsxCell | null)[];
  style?: number;
}
// Rows already written as SpreadsheetML (by PostgreSQL: spend-xlsx.sql.ts), numbered in their
// sheet's order, and how many of them end in it (a row may run on into the next piece).
export interface XlsxRowsXml {
  xml: Buffer;
  rows: number;
}
export interface XlsxStyle {
  numFmt?: string;
  font?: { bold?: boolean; size?: number };
}
export interface XlsxSheet {
  name: string;
  // Each column's width in characters (undefined: the default).
  widths: readonly (number | undefined)[];
  // The table's heading row: frozen, repeated on every printed page, and where the filter starts.
  headerRow: number;
  // Header and footer in Excel's code (`&L` left, `&R` right, `&P` page, `&N` pages).
  header: string;
  footer: string;
  rows: AsyncIterable<XlsxRow | XlsxRowsXml>;
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
// Formats Excel knows by number; any other is declared in the styles from 164 on.
const BUILT_IN_FORMATS: Record<string, number> = { General: 0, '0': 1, '0.00': 2, '0%': 9 };
// Excel's day 0 (a date is its number of days since, a moment with the time as a fraction).
export const EXCEL_EPOCH = '1899-12-30';
const MS_PER_DAY = 86_400_000;
const EXCEL_EPOCH_DAYS = -Date.parse(`${EXCEL_EPOCH}T00:00:00Z`) / MS_PER_DAY;
// A sheet's rows are written into pieces of this many bytes, handed to the package as each
// fills: each row's text is gone as soon as it is written, instead of waiting (and outliving the
// young generation) in a string of many rows.
const PIECE_BYTES = 64 * 1024;

// Control characters but tab, line feed and carriage return, and the two non-characters; in
// JavaScript also NUL and unpaired surrogates (a code point of its own in a `u` pattern), which
// PostgreSQL's text never holds.
const CONTROL = '\\u0001-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufffe\\uffff';
const NOT_IN_XML = new RegExp(`[\\u0000${CONTROL}\\ud800-\\udfff]`, 'gu');
const MARKUP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

// Text as XML character data: markup escaped, and the characters XML 1.0 cannot hold at all
// (control characters, unpaired surrogates) left out, since one of them would spoil the file.
export function xmlText(text: string): string {
  return text.replace(NOT_IN_XML, '').replace(/[&<>"]/g, (char) => MARKUP[char]);
}

// The same in SQL (for rows PostgreSQL writes), run only on text that holds one of them.
export function xmlTextSql(text: string): string {
  const escaped = Object.entries(MARKUP).reduce(
    (sql, [char, entity]) => `replace(${sql}, '${char}', '${entity}')`,
    `regexp_replace(${text}, '[${CONTROL}]', '', 'g')`,
  );
  return `CASE WHEN ${text} ~ '[&<>"${CONTROL}]' THEN ${escaped} ELSE ${text} END`;
}

// A column's letters: 1 is A, 27 is AA.
export function columnLetters(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

// A sheet's name in a formula: quoted, a quote inside doubled.
const sheetRef = (name: string) => `'${name.replace(/'/g, "''")}'`;

function cellXml(ref: string, cell: XlsxCell): string {
  const style = cell.style ? ` s="${cell.style}"` : '';
  const { value } = cell;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? `<c r="${ref}"${style}><v>${value}</v></c>` : '';
  }
  if (value instanceof Date) {
    const serial = value.getTime() / MS_PER_DAY + EXCEL_EPOCH_DAYS;
    return `<c r="${ref}"${style}><v>${serial}</v></c>`;
  }
  if (value === null) {
    return '';
  }
  // Kept as it is: spaces at its ends too.
  return `<c r="${ref}"${style} t="inlineStr"><is><t xml:space="preserve">${xmlText(value)}</t></is></c>`;
}

// The index of `xml` in `list`, declared at its end first if it is not there yet.
function declared(list: string[], xml: string): number {
  const at = list.indexOf(xml);
  return at === -1 ? list.push(xml) - 1 : at;
}

function fontXml({ bold, size }: NonNullable<XlsxStyle['font']>): string {
  return `<font>${bold ? '<b/>' : ''}<sz val="${size ?? 11}"/><name val="Calibri"/><family val="2"/></font>`;
}

function xfXml(format: number, font: number): string {
  return (
    `<xf numFmtId="${format}" fontId="${font}" fillId="0" borderId="0" xfId="0"` +
    `${format ? ' applyNumberFormat="1"' : ''}${font ? ' applyFont="1"' : ''}/>`
  );
}

export class XlsxWorkbook {
  private readonly box: XlsxPackage;
  private readonly sheets: { name: string; headerRow: number; filter: string }[] = [];
  private readonly formats: string[] = [];
  // The defaults first: font 0 and style 0.
  private readonly fonts: string[] = [fontXml({})];
  private readonly styles: string[] = [xfXml(0, 0)];

  constructor(
    out: Writable,
    private readonly about: { title: string; creator: string; created: Date },
  ) {
    this.box = new XlsxPackage(out, about.created);
  }

  // The index of a cell style with this number format and font. Styles, fonts and formats are
  // each declared once, found again by their XML: no format and no font is style 0, the default.
  style({ numFmt = 'General', font }: XlsxStyle): number {
    const format = BUILT_IN_FORMATS[numFmt] ?? 164 + declared(this.formats, numFmt);
    return declared(this.styles, xfXml(format, font ? declared(this.fonts, fontXml(font)) : 0));
  }

  // Writes a sheet whole, its rows as they come.
  async addSheet(sheet: XlsxSheet): Promise<void> {
    const number = this.sheets.length + 1;
    const record = { name: sheet.name, headerRow: sheet.headerRow, filter: '' };
    const columns = Math.max(sheet.widths.length, 1);
    await this.box.add(`xl/worksheets/sheet${number}.xml`, this.sheetXml(sheet, columns, record));
    this.sheets.push(record);
  }

  private async *sheetXml(
    sheet: XlsxSheet,
    columns: number,
    record: { filter: string },
  ): AsyncIterable<Buffer | string> {
    const letters = Array.from({ length: columns }, (_, at) => columnLetters(at + 1));
    const widths = sheet.widths
      .map((width, at) =>
        width === undefined
          ? ''
          : `<col min="${at + 1}" max="${at + 1}" width="${width}" customWidth="1"/>`,
      )
      .join('');
    const frozen = sheet.headerRow;
    yield (
      `${DECLARATION}<worksheet xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}">` +
      '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' +
      `<sheetViews><sheetView workbookViewId="0"><pane ySplit="${frozen}" topLeftCell="A${frozen + 1}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>` +
      '<sheetFormatPr defaultRowHeight="15"/>' +
      (widths ? `<cols>${widths}</cols>` : '') +
      '<sheetData>'
    );
    let row = 0;
    let piece = Buffer.allocUnsafe(PIECE_BYTES);
    let used = 0;
    for await (const item of sheet.rows) {
      if ('xml' in item) {
        if (used > 0) {
          yield piece.subarray(0, used);
          piece = Buffer.allocUnsafe(PIECE_BYTES);
          used = 0;
        }
        yield item.xml;
        row += item.rows;
        continue;
      }
      const { cells, style } = item;
      row += 1;
      if (cells.length === 0 && !style) {
        continue;
      }
      let xml = `<row r="${row}"${style ? ` s="${style}" customFormat="1"` : ''}>`;
      cells.forEach((cell, at) => {
        if (cell) {
          xml += cellXml(`${letters[at] ?? columnLetters(at + 1)}${row}`, cell);
        }
      });
      xml += '</row>';
      const size = Buffer.byteLength(xml);
      if (used + size > piece.length) {
        yield piece.subarray(0, used);
        piece = Buffer.allocUnsafe(Math.max(PIECE_BYTES, size));
        used = 0;
      }
      used += piece.write(xml, used);
    }
    const last = Math.max(row, sheet.headerRow);
    record.filter = `$A$${sheet.headerRow}:$${letters[columns - 1]}$${last}`;
    yield piece.subarray(0, used);
    yield (
      '</sheetData>' +
      `<autoFilter ref="A${sheet.headerRow}:${letters[columns - 1]}${last}"/>` +
      '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
      '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>' +
      `<headerFooter><oddHeader>${xmlText(sheet.header)}</oddHeader>` +
      `<oddFooter>${xmlText(sheet.footer)}</oddFooter></headerFooter></worksheet>`
    );
  }

  // Writes the parts that list the sheets and styles; the package is whole once this resolves.
  async finish(): Promise<void> {
    const sheets = this.sheets;
    const override = (part: string, type: string) =>
      `<Override PartName="${part}" ContentType="application/vnd.openxmlformats-${type}"/>`;
    await this.box.add(
      '[Content_Types].xml',
      `${DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        override('/xl/workbook.xml', 'officedocument.spreadsheetml.sheet.main+xml') +
        sheets
          .map((_, at) =>
            override(
              `/xl/worksheets/sheet${at + 1}.xml`,
              'officedocument.spreadsheetml.worksheet+xml',
            ),
          )
          .join('') +
        override('/xl/styles.xml', 'officedocument.spreadsheetml.styles+xml') +
        override('/docProps/core.xml', 'package.core-properties+xml') +
        override('/docProps/app.xml', 'officedocument.extended-properties+xml') +
        '</Types>',
    );
    await this.box.add(
      '_rels/.rels',
      `${DECLARATION}<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">` +
        `<Relationship Id="rId1" Type="${RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>` +
        `<Relationship Id="rId2" Type="${PACKAGE_RELATIONSHIPS}/metadata/core-properties" Target="docProps/core.xml"/>` +
        `<Relationship Id="rId3" Type="${RELATIONSHIPS}/extended-properties" Target="docProps/app.xml"/>` +
        '</Relationships>',
    );
    const created = `${this.about.created.toISOString().slice(0, 19)}Z`;
    await this.box.add(
      'docProps/core.xml',
      `${DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
        `<dc:title>${xmlText(this.about.title)}</dc:title><dc:creator>${xmlText(this.about.creator)}</dc:creator>` +
        `<dcterms:created xsi:type="dcterms:W3CDTF">${created}</dcterms:created>` +
        `<dcterms:modified xsi:type="dcterms:W3CDTF">${created}</dcterms:modified></cp:coreProperties>`,
    );
    await this.box.add(
      'docProps/app.xml',
      `${DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">` +
        `<Application>${xmlText(this.about.creator)}</Application></Properties>`,
    );
    const names = sheets.flatMap((sheet, at) => [
      `<definedName name="_xlnm._FilterDatabase" localSheetId="${at}" hidden="1">${xmlText(`${sheetRef(sheet.name)}!${sheet.filter}`)}</definedName>`,
      `<definedName name="_xlnm.Print_Titles" localSheetId="${at}">${xmlText(`${sheetRef(sheet.name)}!$${sheet.headerRow}:$${sheet.headerRow}`)}</definedName>`,
    ]);
    await this.box.add(
      'xl/workbook.xml',
      `${DECLARATION}<workbook xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}"><sheets>` +
        sheets
          .map(
            (sheet, at) =>
              `<sheet name="${xmlText(sheet.name)}" sheetId="${at + 1}" r:id="rId${at + 2}"/>`,
          )
          .join('') +
        `</sheets><definedNames>${names.join('')}</definedNames></workbook>`,
    );
    await this.box.add(
      'xl/_rels/workbook.xml.rels',
      `${DECLARATION}<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">` +
        `<Relationship Id="rId1" Type="${RELATIONSHIPS}/styles" Target="styles.xml"/>` +
        sheets
          .map(
            (_, at) =>
              `<Relationship Id="rId${at + 2}" Type="${RELATIONSHIPS}/worksheet" Target="worksheets/sheet${at + 1}.xml"/>`,
          )
          .join('') +
        '</Relationships>',
    );
    await this.box.add(
      'xl/styles.xml',
      `${DECLARATION}<styleSheet xmlns="${MAIN}">` +
        (this.formats.length > 0
          ? `<numFmts count="${this.formats.length}">${this.formats
              .map((code, at) => `<numFmt numFmtId="${164 + at}" formatCode="${xmlText(code)}"/>`)
              .join('')}</numFmts>`
          : '') +
        `<fonts count="${this.fonts.length}">${this.fonts.join('')}</fonts>` +
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        `<cellXfs count="${this.styles.length}">${this.styles.join('')}</cellXfs>` +
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
        '</styleSheet>',
    );
    await this.box.finish();
  }
}
