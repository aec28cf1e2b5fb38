import type { ClientBase } from 'pg';
import { copyOut, copyTextReader } from './copy-out';
import { type ExportColumn, LINE_LEVELS, type LineLevel } from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
import { type SheetLines, writeSpendWorkbook } from './spend-xlsx';
import { SHEET_MARK, spendXlsxCopy } from './spend-xlsx.sql';
import type { XlsxRowsXml } from './xlsx-workbook';

// The spend workbook with its tables' rows written by PostgreSQL (spendXlsxCopy): Node writes the
// sheets' headings and the Summary's title block (writeSpendWorkbook), puts each row COPY sends
// in its sheet and compresses the package; no row is read into JavaScript values.

const LF = 0x0a;
const ZERO = 0x30;

// How many lines end in `bytes`.
function linesEnded(bytes: Buffer): number {
  let lines = 0;
  for (let at = bytes.indexOf(LF); at !== -1; at = bytes.indexOf(LF, at + 1)) {
    lines += 1;
  }
  return lines;
}

// The rows COPY sends, a line each, in the sheets' order, each sheet's after its mark
// (SHEET_MARK, the sheet's number, a line feed): `of(level)` gives that sheet's rows in pieces as
// they come (the line feeds between rows kept: XML reads them as space), up to the next sheet's
// mark, which waits for it. `tick` is called with the rows read so far; nothing more is read
// while a promise it answers is pending.
export class SheetRows {
  private readonly reader = copyTextReader('\n');
  // Read and not yet given out; `sheet` is the sheet whose rows it begins with (-1: none yet).
  private pending: Buffer = Buffer.alloc(0);
  private sheet = -1;
  private read = 0;

  constructor(
    private readonly chunks: AsyncGenerator<Buffer>,
    private readonly tick: (rows: number) => Promise<void> | undefined,
  ) {}

  async *of(level: LineLevel): AsyncIterable<XlsxRowsXml> {
    const wanted = LINE_LEVELS.indexOf(level);
    while (this.sheet !== wanted) {
      if (this.pending.length < 3) {
        if (!(await this.more())) {
          throw new Error(`The workbook's rows ended before sheet ${wanted} began`);
        }
        continue;
      }
      const sheet = this.pending[1] - ZERO;
      if (this.pending[0] !== SHEET_MARK || this.pending[2] !== LF || sheet !== wanted) {
        throw new Error(`Sheet ${wanted} did not begin where the rows before it ended`);
      }
      this.sheet = sheet;
      this.pending = this.pending.subarray(3);
    }
    for (;;) {
      const mark = this.pending.indexOf(SHEET_MARK);
      const rows = mark === -1 ? this.pending : this.pending.subarray(0, mark);
      if (rows.length > 0) {
        const ended = linesEnded(rows);
        this.pending = this.pending.subarray(rows.length);
        this.read += ended;
        yield { xml: rows, rows: ended };
        const progress = this.tick(this.read);
        if (progress) {
          await progress;
        }
      }
      if (mark !== -1 || !(await this.more())) {
        return;
      }
    }
  }

  // Reads the next bytes COPY sent; false once it has ended.
  private async more(): Promise<boolean> {
    const next = await this.chunks.next();
    if (next.done) {
      return false;
    }
    const bytes = this.reader.read(next.value);
    this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, bytes]) : bytes;
    return true;
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
