import { join } from 'node:path';
import type { PoolClient } from 'pg';
import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { SnakeNamingStrategy } from './snake-naming.strategy';

// One definition for the app, the CLI and the tests. Migrations only: synchronize stays off.
// `poolSize`: each email being sent holds a connection for its SMTP conversation, so a worker's
// pool is its email concurrency plus room for the relay, the schedulers and the API's own work.
// `onConnect`: run on each new pool connection before it is first handed out.
export function dataSourceOptions(
  databaseUrl: string,
  poolSize = 10,
  onConnect?: (client: PoolClient) => Promise<void>,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    // A server that accepts connections but does not answer fails the request instead of hanging.
    extra: { max: poolSize, connectionTimeoutMillis: 10_000, ...(onConnect ? { onConnect } : {}) },
  };
}
