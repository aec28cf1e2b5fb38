import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { driverPool } from '../../src/database/driver-pool';

// What PostgreSQL sent the app while `work` ran: statements, rows, and the size of their values
// (string lengths, JSON as text), counted on the app's own pool so other data sources in the
// test process don't add to it. Also the largest growth of the process's RSS seen meanwhile, and
// each statement in the order sent (transactions' BEGIN and COMMIT included) with the pool
// connection that sent it.
export interface Statement {
  connection: number;
  text: string;
}
export interface ReadCost {
  queries: number;
  statements: Statement[];
  rows: number;
  bytes: number;
  rssGrowthBytes: number;
}

interface PgResult {
  rows?: Record<string, unknown>[];
}
type QueryFn = (...args: unknown[]) => unknown;
interface PgClient {
  query: QueryFn;
}

function sizeOf(value: unknown): number {
  if (value === null || value === undefined) {
    return 0;
  }
  if (typeof value === 'string') {
    return value.length;
  }
  if (Buffer.isBuffer(value)) {
    return value.length;
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    return JSON.stringify(value).length;
  }
  return 8;
}

// pg takes a statement as its text or as a config object carrying it.
function statementText(statement: unknown): string {
  if (typeof statement === 'string') {
    return statement;
  }
  const text = (statement as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? text : '';
}

const OPENS = /^\s*(BEGIN|START TRANSACTION)\b/i;
const ENDS = /^\s*(COMMIT|ROLLBACK)\b/i;

// The statements sent inside each transaction, between its BEGIN and its COMMIT or ROLLBACK
// (both left out), one list per transaction in the order they began. A transaction holds its
// connection, so statements on other connections meanwhile are not its own.
export function transactionsOf(statements: readonly Statement[]): string[][] {
  const transactions: string[][] = [];
  const open = new Map<number, string[]>();
  for (const { connection, text } of statements) {
    const current = open.get(connection);
    if (OPENS.test(text)) {
      const started: string[] = [];
      open.set(connection, started);
      transactions.push(started);
    } else if (ENDS.test(text)) {
      open.delete(connection);
    } else if (current) {
      current.push(text);
    }
  }
  return transactions;
}

export async function readCost<T>(
  dataSource: DataSource,
  work: () => Promise<T>,
): Promise<{ result: T; cost: ReadCost }> {
  const pool = driverPool(dataSource);
  if (!pool) {
    throw new Error('readCost needs a connected data source');
  }
  const cost: ReadCost = { queries: 0, statements: [], rows: 0, bytes: 0, rssGrowthBytes: 0 };
  const tally = (result: unknown) => {
    for (const part of Array.isArray(result) ? result : [result]) {
      const rows = (part as PgResult | undefined)?.rows ?? [];
      cost.rows += rows.length;
      for (const row of rows) {
        for (const value of Object.values(row)) {
          cost.bytes += sizeOf(value);
        }
      }
    }
  };
  const patched = new Map<PgClient, QueryFn>();
  const onAcquire = (acquired: PoolClient) => {
    const client = acquired as unknown as PgClient;
    if (patched.has(client)) {
      return;
    }
    const original = client.query;
    patched.set(client, original);
    const connection = patched.size;
    client.query = function (this: PgClient, ...args: unknown[]) {
      cost.queries += 1;
      cost.statements.push({ connection, text: statementText(args[0]) });
      const answer = original.apply(this, args);
      if (answer instanceof Promise) {
        return answer.then((result: unknown) => {
          tally(result);
          return result;
        });
      }
      return answer;
    };
  };
  const before = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    cost.rssGrowthBytes = Math.max(cost.rssGrowthBytes, process.memoryUsage().rss - before);
  }, 2);
  pool.on('acquire', onAcquire);
  try {
    const result = await work();
    cost.rssGrowthBytes = Math.max(cost.rssGrowthBytes, process.memoryUsage().rss - before);
    return { result, cost };
  } finally {
    clearInterval(sampler);
    pool.off('acquire', onAcquire);
    for (const [client, original] of patched) {
      client.query = original;
    }
  }
}
