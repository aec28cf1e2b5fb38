import { Client } from 'pg';
import { copyOut } from '../src/reports/copy-out';
import { eventually } from './support/smtp';

// copyOut against a real PostgreSQL: a COPY that fails (an error in its query, a cancel while it
// waits on a lock) ends the read with that error, and the connection goes on answering. pg
// detaches a query at its error and never tells it PostgreSQL is ready again, so a reader that
// waited for that hung for ever (an export stopped at shutdown stayed running in its worker).
describe('copyOut (COPY … TO STDOUT read as it is wanted)', () => {
  let client: Client;
  let other: Client;

  beforeAll(async () => {
    client = new Client({ connectionString: process.env.DATABASE_URL });
    other = new Client({ connectionString: process.env.DATABASE_URL });
    await Promise.all([client.connect(), other.connect()]);
  });

  afterAll(async () => {
    await Promise.all([client.end(), other.end()]);
  });

  // Every chunk of the COPY's bytes read, as text; or what the read ended with, within 5 s.
  const readAll = async (copy: string): Promise<{ text?: string; error?: Error }> => {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the read did not end within 5 s')), 5_000);
    });
    const read = (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of copyOut(client, copy)) {
        chunks.push(Buffer.from(chunk));
      }
      return Buffer.concat(chunks).toString();
    })().then(
      (text) => ({ text }),
      (error: Error) => ({ error }),
    );
    try {
      return await Promise.race([read, hung]);
    } finally {
      clearTimeout(timer);
    }
  };

  const stillAnswers = async () => {
    const { rows } = await client.query<{ n: number }>('SELECT 41 + 1 AS n');
    expect(rows).toEqual([{ n: 42 }]);
  };

  it('reads every row of a COPY that succeeds', async () => {
    const { text, error } = await readAll(
      'COPY (SELECT g FROM generate_series(1, 3) AS g) TO STDOUT',
    );
    expect(error).toBeUndefined();
    expect(text).toBe('1\n2\n3\n');
    await stillAnswers();
  });

  it('ends with the error of a COPY that fails before its first row', async () => {
    const { error } = await readAll('COPY (SELECT 1 / 0) TO STDOUT');
    expect(error?.message).toMatch(/division by zero/);
    await stillAnswers();
  });

  it('ends with the error of a COPY that fails after sending rows', async () => {
    const { error } = await readAll(
      `COPY (SELECT CASE WHEN g < 50000 THEN g ELSE 1 / (g - g) END
             FROM generate_series(1, 60000) AS g) TO STDOUT`,
    );
    expect(error?.message).toMatch(/division by zero/);
    await stillAnswers();
  });

  it('ends with the cancel of a COPY waiting on a lock, and the connection answers after', async () => {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await other.query('CREATE TABLE IF NOT EXISTS copy_out_locked (n int)');
    await other.query('BEGIN');
    await other.query('LOCK TABLE copy_out_locked IN ACCESS EXCLUSIVE MODE');
    try {
      const reading = readAll('COPY (SELECT n FROM public.copy_out_locked) TO STDOUT');
      // Cancelled once it waits on the lock.
      await eventually(async () => {
        const waiting = await other.query(
          `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`,
          [rows[0].pid],
        );
        expect(waiting.rowCount).toBe(1);
      }, 5_000);
      await other.query('SELECT pg_cancel_backend($1)', [rows[0].pid]);
      const { error } = await reading;
      expect(error?.message).toMatch(/canceling statement due to user request/);
    } finally {
      await other.query('ROLLBACK');
      await other.query('DROP TABLE copy_out_locked');
    }
    await stillAnswers();
  });

  it('lets a reader stop early, and the connection answers after', async () => {
    for await (const chunk of copyOut(
      client,
      'COPY (SELECT g FROM generate_series(1, 100000) AS g) TO STDOUT',
    )) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    await stillAnswers();
  });
});
