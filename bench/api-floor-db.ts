// The floor's database side: a pg pool of the API's size.

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
