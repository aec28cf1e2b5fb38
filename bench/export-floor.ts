import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Client, type Connection } from 'pg';
import type { QueryRunner } from 'typeorm';
import type { Round } from './export-data';

// The floor an export is measured against: PostgreSQL sending the round's return lines, plain
// (one table, no figures worked out), as CSV with `COPY ... TO STDOUT`, read by Node through pg
// and written to a file as the export job writes its file. pg has no COPY API of its own, so the
// COPY runs as a submittable query that takes the CopyData messages as they come.

const PLAIN_TABLE = 'bench_plain_return_lines';

// Every return line of round $1, plain: each with its return, award and submission keys beside
// the amounts. The floor of the export benchmark and the baseline of the summary's.
export const ROUND_RETURN_LINES = `
  SELECT d.award_id, s.return_id, l.submission_id, l.financial_year, d.quarter, l.kind,
         l.claimed_pence, l.approved_pence
  FROM award_decisions a
  JOIN delivery_returns d ON d.award_id = a.id
  JOIN return_submissions s ON s.return_id = d.id
  JOIN return_spend_lines l ON l.submission_id = s.id
  WHERE a.round_id = $1`;

// The round's return lines copied into a table of their own: as many rows as the round has
// return lines, each with its return, award and submission keys beside the amounts.
export async function plainLinesTable(db: QueryRunner, round: Round): Promise<string> {
  await db.query(`DROP TABLE IF EXISTS ${PLAIN_TABLE}`);
  await db.query(`CREATE TABLE ${PLAIN_TABLE} AS ${ROUND_RETURN_LINES}`, [round.id]);
  await db.query(`VACUUM ANALYZE ${PLAIN_TABLE}`);
  return PLAIN_TABLE;
}

// COPY (SELECT * FROM table) TO STDOUT as CSV, through pg into `file`; timed from the query
// sent to the last byte written.
export async function timePlainCopy(url: string, table: string, file: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  const out = createWriteStream(file);
  const started = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      let failed: Error | undefined;
      const copy = {
        submit: (connection: Connection) =>
          connection.query(`COPY (SELECT * FROM ${table}) TO STDOUT (FORMAT csv, HEADER)`),
        handleCopyData: (message: { chunk: Buffer }) => {
          // A view of pg's receive buffer, which it reuses: copied before it waits in the stream.
          out.write(Buffer.from(message.chunk));
        },
        handleCommandComplete: () => undefined,
        handleRowDescription: () => undefined,
        handleDataRow: () => undefined,
        handleEmptyQuery: () => undefined,
        handleError: (error: Error) => {
          failed = error;
        },
        handleReadyForQuery: () => (failed ? reject(failed) : resolve()),
      };
      void client.query(copy as never);
    });
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  } finally {
    out.destroy();
    await client.end();
  }
  return { seconds: (performance.now() - started) / 1000, bytes: (await stat(file)).size };
}
