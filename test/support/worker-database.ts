// A test worker's copy of the run's database (made in the global setup when there are several).
// Apart from test-database.ts, which loads the CLI's migrations and demo seeding: env.ts runs
// before every e2e file and needs only this name.
export function workerDatabaseName(database: string, worker: string): string {
  return `${database}_w${worker}`;
}
