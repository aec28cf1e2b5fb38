import { LINE_LEVELS } from './export-column';
import { SheetRows } from './spend-xlsx-copy';

// The workbook's rows as COPY sends them (text format): each sheet's mark, then its rows.
const sent = [
  '\u00010',
  '<row r="6"><c r="A6" t="inlineStr"><is><t>Tab\\there</t></is></c></row>',
  '\u00011',
  '\u00012',
  '<row r="2"/>',
  '<row r="3"/>',
  '\u00013',
  '<row r="2"/>',
]
  .map((line) => `${line}\n`)
  .join('');

async function* inChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) {
    await Promise.resolve();
    yield bytes.subarray(at, at + size);
  }
}

async function sheetsOf(chunks: AsyncGenerator<Buffer>) {
  const ticks: number[] = [];
  const rows = new SheetRows(chunks, (read) => void ticks.push(read));
  const sheets: { xml: string; rows: number }[] = [];
  for (const level of LINE_LEVELS) {
    const pieces: Buffer[] = [];
    let count = 0;
    for await (const piece of rows.of(level)) {
      pieces.push(piece.xml);
      count += piece.rows;
    }
    sheets.push({ xml: Buffer.concat(pieces).toString(), rows: count });
  }
  await rows.close();
  return { sheets, ticks };
}

describe('SheetRows (the workbook rows PostgreSQL sends, put in their sheets)', () => {
  it('gives each sheet its rows, an empty one none, whatever the chunks', async () => {
    const bytes = Buffer.from(sent);
    for (let size = 1; size <= bytes.length; size += 1) {
      const { sheets, ticks } = await sheetsOf(inChunks(bytes, size));
      expect(sheets).toEqual([
        {
          xml: '<row r="6"><c r="A6" t="inlineStr"><is><t>Tab\there</t></is></c></row>\n',
          rows: 1,
        },
        { xml: '', rows: 0 },
        { xml: '<row r="2"/>\n<row r="3"/>\n', rows: 2 },
        { xml: '<row r="2"/>\n', rows: 1 },
      ]);
      expect(ticks.at(-1)).toBe(4);
    }
  });

  it('fails when a sheet is missing or the rows end early', async () => {
    const skipped = Buffer.from(sent.replace('\u00011\n', ''));
    await expect(sheetsOf(inChunks(skipped, 7))).rejects.toThrow(
      /Sheet 1 did not begin where the rows before it ended/,
    );
    const cut = Buffer.from(sent.slice(0, sent.indexOf('\u00013')));
    await expect(sheetsOf(inChunks(cut, 7))).rejects.toThrow(/ended before sheet 3 began/);
  });
});
