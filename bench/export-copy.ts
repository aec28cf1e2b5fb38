import { spawn } from 'node:child_process';
import { closeSync, createReadStream, openSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { EXPORT_LINES } from '../src/reports/spend-lines.sql';
import { EXPORT_SETTINGS } from '../src/reports/spend-summary.sql';

// The export benchmark's baseline: PostgreSQL alone writing the CSV of the SELECT an export
// streams, with psql's COPY, and the line count of a file either way.

// The SELECT an export streams, its parameters ($1 the round, $2 the moment) written in.
export function exportSql(format: 'csv' | 'xlsx', roundId: string, asAt: Date): string {
  const values = [`'${roundId}'`, `'${asAt.toISOString()}'`];
  return EXPORT_LINES[format].replace(/\$(\d+)/g, (_, n: string) => values[Number(n) - 1]);
}

// PostgreSQL's own CSV of the same SELECT, through psql into `file`: in a transaction as the
// export's, with its settings (`settings` none: the server's defaults, for comparison).
export async function timeCopy(url: string, sql: string, file: string, settings = EXPORT_SETTINGS) {
  const out = openSync(file, 'w');
  const started = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const commands = ['BEGIN ISOLATION LEVEL REPEATABLE READ', settings]
        .filter(Boolean)
        .concat([`COPY (${sql}) TO STDOUT (FORMAT csv, HEADER)`, 'COMMIT']);
      const psql = spawn(
        'psql',
        [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...commands.flatMap((c) => ['-c', c])],
        { stdio: ['ignore', out, 'pipe'] },
      );
      let errors = '';
      psql.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      psql.on('error', reject);
      psql.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`psql COPY failed (${code}): ${errors}`)),
      );
    });
  } finally {
    closeSync(out);
  }
  return { seconds: (performance.now() - started) / 1000, bytes: (await stat(file)).size };
}

export async function countLines(file: string): Promise<number> {
  let count = 0;
  for await (const chunk of createReadStream(file)) {
    for (const byte of chunk as Buffer) {
      count += byte === 10 ? 1 : 0;
    }
  }
  return count;
}
