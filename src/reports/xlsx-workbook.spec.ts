import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setImmediate } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { columnLetters, type XlsxRow, XlsxWorkbook, xmlText } from './xlsx-workbook';

describe('the workbook writer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xlsx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names columns as Excel does', () => {
    expect([1, 26, 27, 52, 702, 703].map(columnLetters)).toEqual([
      'A',
      'Z',
      'AA',
      'AZ',
      'ZZ',
      'AAA',
    ]);
  });

  it('escapes markup and leaves out what XML cannot hold', () => {
    expect(xmlText('Tom & "Jerry" <b>')).toBe('Tom &amp; &quot;Jerry&quot; &lt;b&gt;');
    expect(xmlText('a\u0000b\u0007c\u001fd\ufffe')).toBe('abcd');
    // Tabs and line breaks are kept; a pair of surrogates (an emoji) is kept, a lone one is not.
    expect(xmlText('a\tb\nc\r')).toBe('a\tb\nc\r');
    expect(xmlText('ok \u{1f600} \ud800 \udc00!')).toBe('ok \u{1f600}  !');
  });

  it('writes a workbook Excel readers open, whatever text a bidder typed', async () => {
    const target = join(dir, 'hostile.xlsx');
    const out = createWriteStream(target);
    const book = new XlsxWorkbook(out, {
      title: 'Spend & more',
      creator: 'Safer Streets grants',
      created: new Date('2026-12-03T10:00:00Z'),
    });
    const money = book.style({ numFmt: '"£"#,##0.00' });
    const day = book.style({ numFmt: 'd mmm yyyy' });
    const bold = book.style({ font: { bold: true } });
    expect(book.style({ numFmt: '"£"#,##0.00' })).toBe(money);
    // No format and no font is the default style, not a copy of it.
    expect(book.style({})).toBe(0);
    async function* rows(): AsyncIterable<XlsxRow> {
      // As a cursor gives them: the first row after a turn of the event loop.
      await setImmediate();
      yield {
        cells: [
          { value: 'Name', style: bold },
          { value: 'Paid', style: bold },
        ],
        style: bold,
      };
      yield {
        cells: [
          { value: 'Bad\u0001 </t><script>x</script> & co ' },
          { value: 1234.56, style: money },
        ],
      };
      yield { cells: [null, { value: new Date('2027-03-31T00:00:00Z'), style: day }] };
      // Enough rows to fill several pieces of the sheet's text.
      for (let row = 0; row < 5_000; row += 1) {
        yield { cells: [{ value: `Line ${row}` }, { value: row / 100, style: money }] };
      }
    }
    await book.addSheet({
      name: "Bidder's sheet",
      widths: [30, undefined],
      headerRow: 1,
      header: '&LSpend && more',
      footer: '&RPage &P of &N',
      rows: rows(),
    });
    await book.finish();
    out.end();
    await finished(out);

    const read = new ExcelJS.Workbook();
    await read.xlsx.readFile(target);
    const sheet = read.getWorksheet("Bidder's sheet") as ExcelJS.Worksheet;
    expect(sheet.getCell('A2').value).toBe('Bad </t><script>x</script> & co ');
    expect(sheet.getCell('B2').value).toBe(1234.56);
    expect(sheet.getCell('B2').numFmt).toBe('"£"#,##0.00');
    expect((sheet.getCell('B3').value as Date).toISOString()).toBe('2027-03-31T00:00:00.000Z');
    expect(sheet.getCell('A3').value).toBeNull();
    expect(sheet.getCell('A5003').value).toBe('Line 4999');
    expect(sheet.getRow(1).font).toMatchObject({ bold: true });
    expect(sheet.autoFilter).toBe('A1:B5003');
    expect(sheet.pageSetup.printTitlesRow).toBe('1:1');
    expect(sheet.headerFooter.oddHeader).toBe('&LSpend && more');
    expect(sheet.getColumn(1).width).toBe(30);
  });

  it('fails, rather than waits for ever, when the file stops taking bytes', async () => {
    let taken = 0;
    const full = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        taken += chunk.length;
        callback(taken > 4096 ? new Error('No space left on device') : null);
      },
    });
    const book = new XlsxWorkbook(full, {
      title: 'Spend',
      creator: 'Safer Streets grants',
      created: new Date('2026-12-03T10:00:00Z'),
    });
    const money = book.style({ numFmt: '"£"#,##0.00' });
    // Many more rows than the file takes, so that the compressor fills and has to wait.
    async function* rows(): AsyncIterable<XlsxRow> {
      for (let row = 0; row < 20_000; row += 1) {
        // As a cursor gives them: a batch, then a turn of the event loop.
        if (row % 1_000 === 0) {
          await setImmediate();
        }
        yield { cells: [{ value: `Line ${row}` }, { value: row * 7.31, style: money }] };
      }
    }
    const written = (async () => {
      await book.addSheet({
        name: 'Spend',
        widths: [30, 12],
        headerRow: 1,
        header: '',
        footer: '',
        rows: rows(),
      });
      await book.finish();
    })();
    await expect(written).rejects.toThrow('No space left on device');
  }, 15_000);
});
