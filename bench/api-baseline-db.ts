// The baseline's database side: a pg pool of the API's size, and the column lists it needs to
// alias columns as TypeORM aliases them.

// pg ships no types and this project has no @types/pg: the little of it used here.
interface Queryable {
  query<T = Row>(text: string, values?: unknown[]): Promise<{ rows: T[] }>;
}
export interface PoolClient extends Queryable {
  release(): void;
}
export interface Pool extends Queryable {
  connect(): Promise<PoolClient>;
  end(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Pool, types } = require('pg') as {
  Pool: new (options: { connectionString?: string; max: number }) => Pool;
  types: { setTypeParser(oid: number, parse: (value: string) => unknown): void };
};

// Dates as the API sends them (`YYYY-MM-DD`), not parsed into local midnights.
types.setTypeParser(1082, (value: string) => value);

export const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_SIZE ?? 10),
});

export type Row = Record<string, unknown>;

// Every column of `table`, aliased `alias_column` as TypeORM aliases them; filled at start from
// the catalogue (our entities map every column of these tables).
const COLUMNS: Record<string, string[]> = {};
export function cols(table: string, alias: string): string {
  return COLUMNS[table].map((c) => `"${alias}"."${c}" AS "${alias}_${c}"`).join(', ');
}
export function pick(row: Row, alias: string, table: string): Row {
  return Object.fromEntries(COLUMNS[table].map((c) => [c, row[`${alias}_${c}`]]));
}

// Fills COLUMNS from the catalogue; run once, before the server takes requests.
export async function readColumns(): Promise<void> {
  const { rows } = await pool.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  for (const { table_name, column_name } of rows) {
    (COLUMNS[table_name] ??= []).push(column_name);
  }
}
