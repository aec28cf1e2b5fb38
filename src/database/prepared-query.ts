import { createHash } from 'node:crypto';
import { EntityManager, QueryFailedError } from 'typeorm';
import { driverPool } from './driver-pool';

// A hot path's statement sent as a named prepared statement: each pool connection parses and
// plans it once and afterwards sends only its values, instead of PostgreSQL parsing and planning
// the text again for every request (TypeORM's own query sends every statement unnamed). In the
// caller's transaction when the manager has one, else on any pool connection. Errors come back
// as TypeORM's would (QueryFailedError), so the problem filter reads them alike.
//
// A statement's text must not depend on the data beyond a small number of shapes (its values
// go in `values`), and it must name the columns it answers: a `*` prepared before a migration
// adds a column fails after it ("cached plan must not change result type").

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

// Statement names by text; past MAX_NAMED, further texts go unnamed, so that an unforeseen
// number of shapes cannot fill every connection with prepared statements.
const names = new Map<string, string>();
const MAX_NAMED = 200;

function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `hot_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

export async function preparedQuery<Row>(
  manager: EntityManager,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const name = nameOf(text);
  if (name === undefined) {
    return manager.query<Row[]>(text, values);
  }
  const client = (await (manager.queryRunner
    ? manager.queryRunner.connect()
    : // The driver's pg pool: a query on it takes a connection for that query alone.
      driverPool(manager.connection))) as PgClient;
  try {
    const result = await client.query({ name, text, values });
    return result.rows as Row[];
  } catch (error) {
    throw new QueryFailedError(text, values, error as Error);
  }
}
