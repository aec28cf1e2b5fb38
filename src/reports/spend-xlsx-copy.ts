import type { ClientBase } from 'pg';
import { copyOut, copyTextReader } from './copy-out';
import { type ExportColumn, LINE_LEVELS, type LineLevel } from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
import { type SheetLines, writeSpendWorkbook } from './spend-xlsx';
import { spendXlsxCopy } from './spend-xlsx.sql';
import type { XlsxRowsXml } from './xlsx-workbook';

// The spend workbook with its tables' rows written by PostgreSQL (spendXlsxCopy): Node writes the
// sheets' headings and the Summary's title block (writeSpendWorkbook), puts each row COPY sends
// in its sheet and compresses the package; no row is read into JavaScript values.

const LF = 0x0a;
const ZERO = 0x30;

// The rows COPY sends, each its sheet's number (one digit, LINE_LEVELS' order) then the row's
// XML, read in the sheets' order: `of(level)` gives that sheet's rows, in pieces as they come, up
// to the first row of a later sheet, which waits for it. `tick` is called with the rows read so
// far; nothing more is read while a promise it answers is pending.
class SheetRows {
  private readonly reader = copyTextReader('\n');
  private pending: Buffer = Buffer.alloc(0);
  private read = 0;

  constructor(
    private readonly chunks: AsyncGenerator<Buffer>,
    private readonly tick: (rows: number) => Promise<void> | undefined,
  ) {}

  async *of(level: LineLevel): AsyncIterable<XlsxRowsXml> {
    const sheet = LINE_LEVELS.indexOf(level);
    for (;;) {
      const bytes = this.pending;
      const rows: Buffer[] = [];
      let at = 0;
      let later = false;
      for (let end = bytes.indexOf(LF); end !== -1; end = bytes.indexOf(LF, at)) {
        const of = bytes[at] - ZERO;
        if (of !== sheet) {
          if (of < sheet || of >= LINE_LEVELS.length) {
            throw new Error(`A row of sheet ${of} came while sheet ${sheet} was written`);
          }
          later = true;
          break;
        }
        rows.push(bytes.subarray(at + 1, end));
        at = end + 1;
      }
      this.pending = bytes.subarray(at);
      if (rows.length > 0) {
        this.read += rows.length;
        yield { xml: Buffer.concat(rows), rows: rows.length };
        const progress = this.tick(this.read);
        if (progress) {
          await progress;
        }
      }
      if (later) {
        return;
      }
      const next = await this.chunks.next();
      if (next.done) {
        if (this.pending.length > 0) {
          throw new Error('The workbook rows ended inside a row');
        }
        return;
      }
      const chunk = this.reader.read(next.value);
      this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    }
  }

  // Stops reading (the COPY is waited for, its rest unread, when it has not ended).
  async close(): Promise<void> {
    await this.chunks.return(undefined);
  }
}

// The workbook written at `target`, its tables' rows from the round's lines as at the moment,
// read on `client` (in the export's snapshot).
export async function writeSpendXlsxCopy(
  target: string,
  client: ClientBase,
  data: {
    roundId: string;
    round: { code: string; name: string };
    asAt: Date;
    tick: (rows: number) => Promise<void> | undefined;
  },
  columns: readonly ExportColumn[] = SPEND_COLUMNS,
): Promise<void> {
  let rows: SheetRows | undefined;
  // The query is made once the workbook has declared its styles (its cells name them).
  const lines: SheetLines = (level, _sheetColumns, styles) => {
    rows ??= new SheetRows(
      copyOut(client, spendXlsxCopy(data.roundId, data.asAt, styles, columns)),
      data.tick,
    );
    return rows.of(level);
  };
  try {
    await writeSpendWorkbook(target, data, lines, columns);
  } finally {
    await rows?.close();
  }
}
