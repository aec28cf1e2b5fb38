import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConfigError, loadConfig } from './config/load-config';
import { dataSourceOptions } from './database/data-source-options';
import { DatabaseModule } from './database/database.module';
import { ensureDatabaseExists } from './database/ensure-database';
import { DemoModule } from './demo/demo.module';
import { DemoSeedService } from './demo/demo-seed.service';
import { DemoRoster, rosterLine } from './demo/demo-roster';
import { DEMO_CODE_COMMAND, DEMO_SECOND_FACTOR_SECRET } from './demo/demo-second-factor';
import { passwordProblem } from './users/password.rules';
import { UsersModule } from './users/users.module';
import { UsersService } from './users/users.service';

const USAGE = `Usage: node dist/src/cli.js <command>
  migrate                                run pending migrations (one process at a time)
  seed-demo [--if-empty]                 load demo data (never in production)
  create-admin --email E --name N        create an admin; the password is read from stdin`;

// Any number of starts may call this at once; the advisory lock lets one migrate and the rest wait.
const MIGRATION_LOCK = 7_210_015;

export async function migrate(config: AppConfig): Promise<string[]> {
  await ensureDatabaseExists(config.databaseUrl);
  const dataSource = await new DataSource(dataSourceOptions(config.databaseUrl)).initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await dataSource.destroy();
  }
}

// The demo data loaded into config's (migrated) database.
export function seedDemo(config: AppConfig): Promise<void> {
  return withContext(config, DemoModule, (get) => get(DemoSeedService).seed());
}

async function withContext<T>(
  config: AppConfig,
  feature: object,
  use: (get: <S>(type: new (...args: never[]) => S) => S) => Promise<T>,
): Promise<T> {
  @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, feature as never] })
  class CliModule {}
  const context = await NestFactory.createApplicationContext(CliModule, {
    logger: ['warn', 'error'],
  });
  try {
    return await use((type) => context.get(type));
  } finally {
    await context.close();
  }
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function main(args: string[]): Promise<void> {
  const config = loadConfig();
  const print = (line: string) => process.stdout.write(`${line}\n`);
  switch (args[0]) {
    case 'migrate': {
      const applied = await migrate(config);
      print(
        applied.length > 0
          ? `Applied migrations: ${applied.join(', ')}`
          : 'Database schema is up to date.',
      );
      return;
    }
    case 'seed-demo': {
      await withContext(config, DemoModule, async (get) => {
        const seeder = get(DemoSeedService);
        const seeded = args.includes('--if-empty') && (await seeder.isSeeded());
        if (seeded) {
          print('Demo data already present; leaving it as it is.');
        }
        await (seeded ? seeder.ensureAccounts() : seeder.seed());
        // As the database holds them now, not as seeded: roles and accounts may have changed.
        print('Demo users (password from DEMO_PASSWORD; * also a second-factor code):');
        (await get(DemoRoster).now()).forEach((account) => print(rosterLine(account)));
        print(`* Second-factor secret of every demo staff user: ${DEMO_SECOND_FACTOR_SECRET}`);
        print(`  Its code now: ${DEMO_CODE_COMMAND}`);
      });
      return;
    }
    case 'create-admin': {
      const email = option(args, '--email');
      const name = option(args, '--name');
      if (!email || !name) {
        throw new Error(`create-admin needs --email and --name.\n${USAGE}`);
      }
      const password = await readStdin();
      const weakness = passwordProblem(password);
      if (weakness) {
        throw new Error(
          `The piped-in ${weakness}. Pipe in another, e.g. printf %s "$ADMIN_PASSWORD" | npm run create-admin -- --email ... --name ...`,
        );
      }
      await withContext(config, UsersModule, async (get) => {
        const admin = await get(UsersService).createWithPassword(
          { id: null, label: 'cli create-admin' },
          { email, name, role: 'admin' },
          password,
        );
        print(`Created admin ${admin.email} (${admin.id}).`);
      });
      return;
    }
    default:
      throw new Error(USAGE);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
