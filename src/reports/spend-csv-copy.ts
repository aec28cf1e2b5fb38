import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { ClientBase } from 'pg';
import { copyOut, copyTextReader } from './copy-out';
import type { ExportColumn } from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
import { CSV_BOM, CSV_LINE_END, csvRecord } from './spreadsheet-text';

// The spend CSV as PostgreSQL writes it (spendCsvCopy): Node writes the BOM and the heading, then
// each line COPY sends, read back from COPY's text format and ended with CRLF.

// The CSV written at `target` from `copy` (a `COPY (…) TO STDOUT` in text format) run on
// `client`. `tick` is called with the lines written so far; while a promise it answers is
// pending, and while the file catches up, nothing more is read, so memory stays flat whatever
// the round's size.
export async function writeSpendCsvCopy(
  target: string,
  client: ClientBase,
  copy: string,
  tick: (lines: number) => Promise<void> | undefined,
  columns: readonly ExportColumn[] = SPEND_COLUMNS,
): Promise<void> {
  const out = createWriteStream(target);
  const reader = copyTextReader(CSV_LINE_END);
  const heading = csvRecord(
    columns.filter((column) => column.csv).map((column) => column.heading),
    CSV_LINE_END,
  );
  try {
    out.write(CSV_BOM + heading);
    for await (const chunk of copyOut(client, copy)) {
      if (!out.write(reader.read(chunk))) {
        await once(out, 'drain');
      }
      await tick(reader.rows());
    }
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  } finally {
    out.destroy();
  }
}
