import { DataSource } from 'typeorm';
import { migrate, seedDemo } from '../../src/cli';
import type { AppConfig } from '../../src/config/app-config';

// Where the e2e run's database lives. The name must contain "test": the setup creates and later
// drops it, so it must never point at a database that matters.
export const TEST_DATABASE_SERVER =
  process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

export function testDatabaseName(runId: string): string {
  const name = process.env.TEST_DATABASE_NAME ?? `safer_streets_test_${runId}`;
  if (!/test/i.test(name) || !/^[a-z0-9_]+$/i.test(name)) {
    throw new Error(
      `Refusing to use database "${name}" for tests: its name must contain "test" and only letters, digits and _.`,
    );
  }
  return name;
}

// Runs statements against the server's maintenance database (CREATE/DROP DATABASE).
export async function onServer(...statements: string[]): Promise<void> {
  const server = await new DataSource({
    type: 'postgres',
    url: `${TEST_DATABASE_SERVER}/postgres`,
  }).initialize();
  try {
    for (const statement of statements) {
      await server.query(statement);
    }
  } finally {
    await server.destroy();
  }
}

// The real migrations, then the demo data (so each role has a user), in config's database.
export async function migrateAndSeed(config: AppConfig): Promise<void> {
  await migrate(config);
  await seedDemo(config);
}
