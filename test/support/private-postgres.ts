import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { freePort } from './processes';

const run = promisify(execFile);

export interface PrivatePostgres {
  url: string;
  // pg_ctl restart -m fast: open connections are cut, new ones refused until it is back.
  restart: () => Promise<void>;
  stop: () => Promise<void>;
}

// Where initdb and pg_ctl live: PG_BIN_DIR, else the newest Debian install.
function binDir(): string | undefined {
  if (process.env.PG_BIN_DIR) {
    return process.env.PG_BIN_DIR;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
}

// Why a private server cannot be made here, or undefined when it can.
export function privatePostgresMissing(): string | undefined {
  const dir = binDir();
  if (!dir) {
    return 'no PostgreSQL server binaries (initdb, pg_ctl): install postgresql or set PG_BIN_DIR';
  }
  if (process.getuid?.() === 0 && !existsSync('/usr/sbin/runuser')) {
    return 'running as root, and runuser (to run PostgreSQL as the postgres user) is missing';
  }
  return undefined;
}

// A PostgreSQL server of the test's own, in a temporary folder on a free port, so a test can
// restart it without touching the machine's shared one. PostgreSQL refuses to run as root, so
// as root it runs as the postgres user.
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir() as string;
  const dataDir = mkdtempSync(join(tmpdir(), 'ssg-private-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    chownSync(dataDir, Number(stdout), Number(group));
  }
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args])
      : run(join(bin, tool), args);
  const port = await freePort();
  await pg('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  await pg('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dataDir, 'log'), '-w', 'start']);
  const server = `postgres://postgres@127.0.0.1:${port}`;
  const admin = await new DataSource({ type: 'postgres', url: `${server}/postgres` }).initialize();
  await admin.query('CREATE DATABASE safer_streets_fault_test');
  await admin.destroy();
  return {
    url: `${server}/safer_streets_fault_test`,
    restart: async () => {
      // The log file again: without it the new server would hold pg_ctl's output open.
      await pg('pg_ctl', [
        '-D',
        dataDir,
        '-m',
        'fast',
        '-l',
        join(dataDir, 'log'),
        '-w',
        'restart',
      ]);
    },
    stop: async () => {
      await pg('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
