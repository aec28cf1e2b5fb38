import { ChildProcess, fork, ForkOptions } from 'node:child_process';
import { once } from 'node:events';

// Child processes of a benchmark: started with the bench's environment, their output shown
// (prefixed) only when they fail, and always stopped when the bench ends, however it ends.

export interface Child {
  name: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

const running = new Set<Child>();

process.on('exit', () => {
  for (const child of running) {
    child.process.kill('SIGKILL');
  }
});

export function startChild(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  options: ForkOptions = {},
): Child {
  const lines: string[] = [];
  // BENCH_CPU_PROF=<dir>: each child writes a V8 CPU profile there when it exits.
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const child = fork(script, [], {
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    execArgv: [...process.execArgv, ...profile],
    ...options,
  });
  const keep = (chunk: Buffer) => {
    lines.push(chunk.toString('utf8'));
    if (lines.length > 200) {
      lines.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const handle: Child = {
    name,
    process: child,
    output: () => lines.join(''),
    stop: async () => {
      running.delete(handle);
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  child.on('exit', (code, signal) => {
    if (running.has(handle) && code !== 0) {
      process.stderr.write(
        `${name} exited early (${signal ?? code}). Its last output:\n${handle.output()}\n`,
      );
    }
  });
  running.add(handle);
  return handle;
}

// Polls `url` until it answers 2xx; fails with the child's output if the child dies first.
export async function waitForHttp(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null) {
      throw new Error(`${child.name} exited before it answered:\n${child.output()}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`${child.name} did not answer ${url} in time:\n${child.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// The next IPC message from `child` that passes `accept`.
export function nextMessage<T>(child: Child, accept: (message: T) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: T) => {
      if (accept(message)) {
        cleanup();
        resolve(message);
      }
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`${child.name} exited:\n${child.output()}`));
    };
    const cleanup = () => {
      child.process.off('message', onMessage);
      child.process.off('exit', onExit);
    };
    child.process.on('message', onMessage);
    child.process.on('exit', onExit);
  });
}

// Waits until the child prints something matching `pattern` (or has already).
export function waitForOutput(child: Child, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  if (pattern.test(child.output())) {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      if (pattern.test(chunk.toString('utf8'))) {
        done();
        resolve();
      }
    };
    const onExit = () => {
      done();
      reject(new Error(`${child.name} exited before it was ready:\n${child.output()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${child.name} was not ready in time:\n${child.output()}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.process.stdout?.off('data', onData);
      child.process.stderr?.off('data', onData);
      child.process.off('exit', onExit);
    };
    child.process.stdout?.on('data', onData);
    child.process.stderr?.on('data', onData);
    child.process.on('exit', onExit);
  });
}
