import { readFile } from 'node:fs/promises';
import { DataSource } from 'typeorm';

// CPU time a benchmark's server spends per request, split between its own Node process and the
// PostgreSQL backends serving its pool (told apart by the application_name each server's
// DATABASE_URL carries), read from /proc before and after a run. Backends a pool closes during a
// run take their CPU with them, so the PostgreSQL figure is, if anything, low.

// /proc counts in USER_HZ ticks, 100 a second on Linux.
const MS_PER_TICK = 10;

async function processCpuMs(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return 0; // Gone since it was listed.
  }
}

export function withApplicationName(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('application_name', name);
  return url.toString();
}

export interface CpuReading {
  server: number;
  backends: Map<number, number>;
}

export async function readCpu(db: DataSource, pid: number, applicationName: string) {
  const rows = await db.query<{ pid: number }[]>(
    `SELECT pid FROM pg_stat_activity WHERE application_name = $1`,
    [applicationName],
  );
  const backends = new Map<number, number>();
  for (const row of rows) {
    backends.set(row.pid, await processCpuMs(row.pid));
  }
  return { server: await processCpuMs(pid), backends };
}

// Milliseconds of CPU per request between two readings: the server's, and its backends'.
export function cpuPerRequest(before: CpuReading, after: CpuReading, requests: number) {
  let backends = 0;
  for (const [pid, ms] of after.backends) {
    backends += ms - (before.backends.get(pid) ?? 0);
  }
  const per = (ms: number) => Math.round((ms / Math.max(1, requests)) * 100) / 100;
  return { serverCpuMs: per(after.server - before.server), postgresCpuMs: per(backends) };
}
