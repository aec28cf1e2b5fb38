import { ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from '../../bench/support';
import { projectPath } from '../../src/config/project-root';
import { ensureTestBuild } from './test-build';

export { freePort };

// App processes still running when the test process ends (a suite's hook timed out before it
// could stop them) are killed with it rather than left behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) {
    child.kill('SIGKILL');
  }
});

export interface ServiceProcess {
  child: ChildProcess;
  // Everything it wrote to stdout and stderr so far.
  output: () => string;
  // Resolves with the exit code (or signal) once it has exited.
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const STARTED = { worker: 'Worker started', api: 'API on http', all: 'API on http' } as const;

// The real entrypoint, compiled (test-build.ts), in a role of its own, so a test can SIGKILL it.
// It inherits the run's database, Redis prefix and mail folder from the environment the global
// setup made; `env` adds to it. Resolves once `isReady` holds (by default: it says it has
// started), or at once with `waitFor: false`; rejects if it exits first. Worker probes take a
// free port unless HEALTH_PORT is given.
export async function spawnService(
  role: 'api' | 'worker' | 'all',
  env: Record<string, string>,
  {
    waitFor = true,
    isReady = (output: string) => output.includes(STARTED[role]),
  }: { waitFor?: boolean; isReady?: (output: string) => boolean | Promise<boolean> } = {},
): Promise<ServiceProcess> {
  const build = await ensureTestBuild();
  const child = spawn(process.execPath, [join(build, 'src', 'main.js')], {
    cwd: projectPath(),
    env: { ...process.env, HEALTH_PORT: '0', ...env, PROCESS_ROLE: role },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      exit = { code, signal };
      resolve(exit);
    }),
  );
  let output = '';
  const read = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', read);
  child.stderr.on('data', read);
  // Generous: four processes starting at once on a busy two-core machine take a while.
  const deadline = Date.now() + 150_000;
  while (waitFor && !(exit === undefined && (await isReady(output)))) {
    if (exit !== undefined || Date.now() > deadline) {
      await kill(child);
      throw new Error(
        exit !== undefined
          ? `The ${role} process exited with ${exit.code} before it was ready:\n${output}`
          : `The ${role} process was not ready in time:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output, exited };
}

// A worker-role process: consumes the queues, runs the schedulers, no API.
export async function spawnWorker(env: Record<string, string>): Promise<ChildProcess> {
  return (await spawnService('worker', env)).child;
}

export interface ApiProcess {
  child: ChildProcess;
  url: string;
}

// An api-role process on a free port, ready once GET /health answers 200.
export async function spawnApi(env: Record<string, string>): Promise<ApiProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child } = await spawnService(
    'api',
    { ...env, PORT: String(port), HOST: '127.0.0.1' },
    {
      isReady: async () => {
        try {
          return (await fetch(`${url}/health`)).status === 200;
        } catch {
          return false;
        }
      },
    },
  );
  return { child, url };
}

export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

export interface PrivateRedis {
  url: string;
  client: Redis;
  // Stops the server and starts a new one on the same port: everything it held is gone, as
  // after a restart of a Redis that keeps nothing on disk.
  restart: () => Promise<void>;
  // SIGSTOP and SIGCONT: a server that keeps every connection open but answers nothing (as a
  // hung or swapped-out host does), and then answers again with everything it held.
  pause: () => void;
  resume: () => void;
  stop: () => Promise<void>;
}

function spawnRedis(port: number): ChildProcess {
  const server = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      ...['--maxmemory-policy', 'noeviction'],
    ],
    { stdio: 'ignore' },
  );
  server.once('error', (error) => {
    throw new Error(`Could not start redis-server (is it installed?): ${error.message}`);
  });
  return server;
}

async function waitForPong(client: Redis, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if (client.status === 'wait' || client.status === 'end') {
        await client.connect();
      }
      await client.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        server.kill('SIGKILL');
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

// Whether the server answering on the client's port is `server`: two test workers can be handed
// the same free port at once, and then one redis-server cannot bind it while the other's answers.
async function answersFrom(client: Redis, server: ChildProcess): Promise<boolean> {
  const info = await client.info('server');
  return new RegExp(`^process_id:${server.pid}\\r?$`, 'm').test(info);
}

// A Redis server of the test's own, so it can be flushed or restarted without touching the
// machine's shared one (other test runs may be using it), on a port no other test's server took.
export async function startPrivateRedis(): Promise<PrivateRedis> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = spawnRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => 100 });
    await waitForPong(client, server);
    if (await answersFrom(client, server)) {
      return privateRedis(port, server, url, client);
    }
    client.disconnect();
    await kill(server);
    if (attempt === 5) {
      throw new Error(
        `Another process kept answering on the private Redis ports tried (last ${port})`,
      );
    }
  }
}

function privateRedis(
  port: number,
  started: ChildProcess,
  url: string,
  client: Redis,
): PrivateRedis {
  let server = started;
  return {
    url,
    client,
    restart: async () => {
      await kill(server);
      server = spawnRedis(port);
      await waitForPong(client, server);
      if (!(await answersFrom(client, server))) {
        throw new Error(`Another process took port ${port} while the private Redis restarted`);
      }
    },
    pause: () => {
      server.kill('SIGSTOP');
    },
    resume: () => {
      server.kill('SIGCONT');
    },
    stop: async () => {
      client.disconnect();
      await kill(server);
    },
  };
}

export interface SinkProcess {
  url: string;
  // How many of `messageIds` arrived, and how many copies beyond the first came.
  copiesOf: (messageIds: string[]) => Promise<{ missing: number; duplicated: number }>;
  stop: () => Promise<void>;
}

// The benchmarks' SMTP sink (bench/smtp-sink.ts) in a process of its own. A fault test decides
// when to strike on its own clock: with the mail server in the test's process, a kill would come
// right after the server had acknowledged a batch, before the sender could read the replies.
export async function startSinkProcess(): Promise<SinkProcess> {
  const child = fork(projectPath('bench', 'smtp-sink.ts'), [], {
    // It loads no entities, so tsx (esbuild, no decorator metadata) runs it as it is.
    execArgv: ['--import', 'tsx'],
    cwd: projectPath(),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = <T>() => once(child, 'message').then(([message]) => message as T);
  const { port } = await next<{ port: number }>();
  return {
    url: `smtp://127.0.0.1:${port}`,
    copiesOf: async (messageIds) => {
      const answer = next<{ copies: [string, number][] }>();
      child.send({ copies: true });
      const copies = new Map((await answer).copies);
      return {
        missing: messageIds.filter((id) => !copies.has(id)).length,
        duplicated: messageIds.reduce((sum, id) => sum + Math.max(0, (copies.get(id) ?? 0) - 1), 0),
      };
    },
    stop: () => kill(child),
  };
}
