import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClamdClient } from '../../src/documents/virus-scanner';
import { freePort } from './processes';

const CLAMD = '/usr/sbin/clamd';

// The EICAR test file: harmless, and every virus scanner reports it.
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

export interface TestClamd {
  host: string;
  port: number;
  stop: () => Promise<void>;
}

// A real clamd on a free port, loaded with one signature (EICAR) from a database made here: no
// download. Fails, never skips, when ClamAV's daemon is not installed.
export async function startClamd(): Promise<TestClamd> {
  if (!existsSync(CLAMD)) {
    throw new Error(
      `${CLAMD} is missing: install ClamAV's daemon (apt-get install clamav-daemon; .ci/run does it) to run the document tests.`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'ssg-clamd-'));
  const database = join(dir, 'db');
  mkdirSync(database);
  writeFileSync(
    join(database, 'test.ndb'),
    `Eicar-Test-Signature:0:*:${Buffer.from(EICAR).toString('hex')}\n`,
  );
  const port = await freePort();
  const config = join(dir, 'clamd.conf');
  writeFileSync(
    config,
    [
      'Foreground yes',
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      `DatabaseDirectory ${database}`,
      `LogFile ${join(dir, 'clamd.log')}`,
      'StreamMaxLength 64M',
      `PidFile ${join(dir, 'clamd.pid')}`,
      `TemporaryDirectory ${dir}`,
    ].join('\n'),
  );
  const child = spawn(CLAMD, ['--config-file', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const client = new ClamdClient({ host: '127.0.0.1', port, timeoutMs: 1000 });
  const stop = async () => {
    await kill(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (!(await client.ping().catch(() => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`clamd did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { host: '127.0.0.1', port, stop };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}
