import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { projectPath } from '../../src/config/project-root';
import { freePort, kill } from './processes';
import type { Post } from './second-factor';

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface AppProcess {
  url: string;
  // Everything the process wrote to stdout so far, and its JSON lines.
  output: () => string;
  lines: () => LogLine[];
  // Waits (up to three minutes: a loaded machine starts ts-node slowly) for a line the
  // predicate accepts.
  waitForLine: (accept: (line: LogLine) => boolean) => Promise<LogLine>;
  post: Post;
  stop: () => Promise<void>;
}

// The real entrypoint (src/main.ts) with PROCESS_ROLE=all in its own process, its stdout kept
// for a test to read the log lines it wrote.
export async function spawnApp(env: Record<string, string>): Promise<AppProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
    {
      cwd: projectPath(),
      env: {
        ...process.env,
        PROCESS_ROLE: 'all',
        LOG_LEVEL: 'info',
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        TS_NODE_PROJECT: 'tsconfig.json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = (): LogLine[] =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  const waitForLine = async (accept: (line: LogLine) => boolean): Promise<LogLine> => {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const found = lines().find(accept);
      if (found) {
        return found;
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`No such log line; the process wrote:\n${stdout}\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const url = `http://127.0.0.1:${port}`;
  await waitForLine((line) => line.context === 'Main' && /API on/.test(line.msg));
  const post: Post = async (path, body, token) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  };
  return {
    url,
    output: () => stdout,
    lines,
    waitForLine,
    post,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => void kill(child), 15_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
