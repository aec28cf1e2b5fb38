import { once } from 'node:events';
import { freePort, kill, spawnService } from './processes';
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
  // Waits (up to three minutes: a loaded machine starts processes slowly) for a line the
  // predicate accepts.
  waitForLine: (accept: (line: LogLine) => boolean) => Promise<LogLine>;
  post: Post;
  stop: () => Promise<void>;
}

// The real entrypoint, compiled, with PROCESS_ROLE=all in its own process, its output kept for a
// test to read the log lines it wrote.
export async function spawnApp(env: Record<string, string>): Promise<AppProcess> {
  const port = await freePort();
  const service = await spawnService(
    'all',
    { LOG_LEVEL: 'info', ...env, PORT: String(port), HOST: '127.0.0.1' },
    { waitFor: false },
  );
  const { child } = service;
  // stdout holds the JSON lines; anything else (a crash's stack) only helps the error message.
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
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
        throw new Error(`No such log line; the process wrote:\n${service.output()}`);
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
