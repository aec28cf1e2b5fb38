import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectPath } from '../../src/config/project-root';

// The folder of the run's compiled app (var/test-build/<run>), for the app processes tests
// spawn: `node <folder>/src/main.js` starts in a second or two where ts-node took ten, and runs
// what production runs. tsx cannot stand in: esbuild emits no decorator metadata, which Nest's
// injection and TypeORM's entities need.
export function testBuildDir(): string {
  const run = process.env.TEST_RUN_ID ?? 'manual';
  return projectPath('var', 'test-build', run);
}

let building: Promise<string> | undefined;

// Compiles src/ (and migrations, bench) once per test run, on first use: most suites spawn
// nothing, so the run pays for it only when a suite needs it. `--noCheck` emits without type
// checking (about half the time; `npm run typecheck` checks the types). Each Jest worker may
// build at once: each writes a folder of its own and renames it into place; the first rename
// wins and a later one finds the folder there and drops its own.
export function ensureTestBuild(): Promise<string> {
  building ??= build();
  return building;
}

async function build(): Promise<string> {
  const dir = testBuildDir();
  if (existsSync(join(dir, 'src', 'main.js'))) {
    return dir;
  }
  mkdirSync(join(dir, '..'), { recursive: true });
  const scratch = `${dir}.building-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  const tsc = projectPath('node_modules', 'typescript', 'bin', 'tsc');
  try {
    await promisify(execFile)(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--noCheck', '--outDir', scratch],
      { cwd: projectPath(), maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    const { stdout, message } = error as { stdout?: string; message: string };
    throw new Error(`Could not compile the app for the test processes:\n${stdout || message}`);
  }
  try {
    renameSync(scratch, dir);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    if (!existsSync(join(dir, 'src', 'main.js'))) {
      throw error;
    }
  }
  return dir;
}

// The run's build removed at the end of the run (global teardown).
export function removeTestBuild(): void {
  if (process.env.TEST_RUN_ID) {
    rmSync(testBuildDir(), { recursive: true, force: true });
  }
}
