import { writeFile } from 'node:fs/promises';

// Writes the app's OpenAPI document (what GET /api/docs-json answers) to the file named by the
// first argument, booting the app in this process (API role, no listener; like `npm start`, it
// needs PostgreSQL and Redis). Run through scripts/lint-openapi.sh.
async function main(file: string | undefined): Promise<void> {
  if (!file) {
    throw new Error('usage: write-openapi-document.ts <output.json>');
  }
  const { loadConfig } = await import('../../src/config/load-config');
  const { ensureDatabaseExists } = await import('../../src/database/ensure-database');
  const { createHttpApp } = await import('../../src/http-app');
  const config = { ...loadConfig(), processRole: 'api' as const };
  await ensureDatabaseExists(config.databaseUrl);
  const app = await createHttpApp(config, false);
  try {
    const response = await app.inject({ method: 'GET', url: '/api/docs-json' });
    if (response.statusCode !== 200) {
      throw new Error(`GET /api/docs-json answered ${response.statusCode}`);
    }
    await writeFile(file, `${JSON.stringify(response.json(), null, 2)}\n`);
  } finally {
    await app.close();
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
