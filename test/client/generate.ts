import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { projectPath } from '../../src/config/project-root';

// Writes (or, with --check, compares) client/src/schema.ts: the typed client's types,
// openapi-typescript's output for the app's OpenAPI document in the project's prettier style.
// Run through scripts/generate-client.sh (`npm run client:generate`).
export const API_SCHEMA_FILE = projectPath('client', 'src', 'schema.ts');
const REGENERATE_COMMAND = 'npm run client:generate';
const HEADER = `// Generated from the app's OpenAPI document (GET /api/docs-json): do not edit. Change the
// controllers and DTOs, then run \`${REGENERATE_COMMAND}\`.
`;

// openapi-typescript runs as its own CLI: it is an ES module package whose CommonJS build still
// needs ES-only dependencies, which a CommonJS process cannot load on every Node 20.
async function renderApiSchema(document: unknown): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'api-schema-'));
  try {
    const input = join(work, 'openapi.json');
    await writeFile(input, JSON.stringify(document));
    const cli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      // A default is what the server fills in, not something a request must send.
      [cli, input, '--alphabetize', '--default-non-nullable=false'],
      { cwd: work, maxBuffer: 64 * 1024 * 1024 },
    );
    const options = await resolveConfig(API_SCHEMA_FILE);
    return await format(HEADER + stdout, { ...options, filepath: API_SCHEMA_FILE });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// The app's OpenAPI document, read from a running server or from the app booted here (API
// role, no listener; like `npm start`, it needs PostgreSQL and Redis).
async function liveDocument(from: string | undefined): Promise<unknown> {
  if (from) {
    const response = await fetch(new URL('/api/docs-json', from));
    if (!response.ok) {
      throw new Error(`GET ${response.url} answered ${response.status}`);
    }
    return response.json();
  }
  const { loadConfig } = await import('../../src/config/load-config');
  const { ensureDatabaseExists } = await import('../../src/database/ensure-database');
  const { createHttpApp } = await import('../../src/http-app');
  const config = { ...loadConfig(), processRole: 'api' as const };
  await ensureDatabaseExists(config.databaseUrl).catch((error: unknown) => {
    throw new Error(
      `PostgreSQL at ${config.databaseUrl} did not answer (${String(error)}): start it, or read a running app with --from http://localhost:3000`,
    );
  });
  const app = await createHttpApp(config, false);
  try {
    return (await app.inject({ method: 'GET', url: '/api/docs-json' })).json();
  } finally {
    await app.close();
  }
}

// The first line where two texts differ, for a message a person can act on.
function firstDifference(committed: string, fresh: string): string {
  const before = committed.split('\n');
  const after = fresh.split('\n');
  const line = after.findIndex((text, index) => text !== before[index]);
  const at = line < 0 ? after.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(before[at] ?? '(end of file)')}, app ${JSON.stringify(after[at] ?? '(end of file)')}`;
}

async function main(args: string[]): Promise<void> {
  const fromAt = args.indexOf('--from');
  const fresh = await renderApiSchema(
    await liveDocument(fromAt >= 0 ? args[fromAt + 1] : undefined),
  );
  const file = relative(process.cwd(), API_SCHEMA_FILE);
  if (!args.includes('--check')) {
    await writeFile(API_SCHEMA_FILE, fresh);
    console.warn(`Wrote ${file}`);
    return;
  }
  const committed = await readFile(API_SCHEMA_FILE, 'utf8').catch(() => '');
  if (committed !== fresh) {
    console.error(
      `${file} does not match the app's OpenAPI document (${firstDifference(committed, fresh)}).\nRegenerate it with \`${REGENERATE_COMMAND}\` and commit the result.`,
    );
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
