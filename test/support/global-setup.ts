import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { migrate } from '../../src/cli';
import { ConfigModule } from '../../src/config/config.module';
import { loadConfig } from '../../src/config/load-config';
import { DatabaseModule } from '../../src/database/database.module';
import { DemoModule } from '../../src/demo/demo.module';
import { DemoSeedService } from '../../src/demo/demo-seed.service';
import { onServer, TEST_DATABASE_SERVER, testDatabaseName } from './test-database';

// Once per run: a fresh database migrated by the real migrations, with the demo data (so each
// role has a user), and a Redis key prefix of its own. Test workers inherit the environment.
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now()}_${process.pid}`;
  const database = testDatabaseName(runId);
  await onServer(
    `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`,
    `CREATE DATABASE "${database}"`,
  );
  process.env.NODE_ENV = 'test';
  process.env.DATABASE_URL = `${TEST_DATABASE_SERVER}/${database}`;
  process.env.REDIS_PREFIX = `ssg-test-${runId}`;
  process.env.TEST_DATABASE_CREATED = database;
  // Without SMTP the worker writes .eml files: into a folder of the run's own, not the project's.
  process.env.MAIL_DIR = mkdtempSync(join(tmpdir(), `ssg-test-mail-${runId}-`));
  process.env.OUTBOX_RELAY_INTERVAL_MS = '100';

  const config = loadConfig();
  await migrate(config);

  @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, DemoModule] })
  class SeedModule {}
  const context = await NestFactory.createApplicationContext(SeedModule, { logger: ['error'] });
  try {
    await context.get(DemoSeedService).seed();
  } finally {
    await context.close();
  }
}
