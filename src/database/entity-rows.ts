import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

// Plain parameterised SQL on a hot path, with entities as TypeORM's own reads and saves make
// them: the entity's columns written and read by its metadata, each value through the driver's
// own conversion (column transformers such as pence, date columns), without building a query
// or mapping aliases per request.

// The entity's columns of `alias` for a select list or RETURNING (`<alias>.` left out when
// empty), each under its own name: what entityFromRow reads. Named, not `*`, so that a
// statement prepared before a migration adds a column still answers the same columns after.
export function columnsSql<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  alias = '',
): string {
  const prefix = alias ? `${alias}.` : '';
  return manager.connection
    .getMetadata(target)
    .nonVirtualColumns.map((column) => `${prefix}"${column.databaseName}"`)
    .join(', ');
}

// The columns of `fields` of the row `alias` as SQL, by property name.
export function fieldsSql<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  alias: string,
  fields: readonly string[],
): Record<string, string> {
  const metadata = manager.connection.getMetadata(target);
  return Object.fromEntries(
    fields.map((field) => {
      const column = metadata.findColumnWithPropertyName(field);
      if (!column) {
        throw new Error(`${metadata.name} has no column ${field}`);
      }
      return [field, `${alias}."${column.databaseName}"`];
    }),
  );
}

// The entity of a row read with columnsSql (other selected names are ignored).
export function entityFromRow<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
): T {
  const metadata = manager.connection.getMetadata(target);
  const driver = manager.connection.driver;
  const entity = metadata.create() as T;
  for (const column of metadata.nonVirtualColumns) {
    column.setEntityValue(entity, driver.prepareHydratedValue(row[column.databaseName], column));
  }
  return entity;
}

// An INSERT of the fields given (undefined ones left to the column's default; a version column
// starts at 1, as TypeORM's save starts it), answering every column. The fields' values are
// appended to `values`; `extra`: more columns set by SQL expressions, which may use the values
// the caller put in `values` first, or a WITH the caller puts before the INSERT. `from`: a FROM
// list (a WITH's name) the row is selected from, so that it is inserted once for each of its
// rows, and not at all when it has none; the expressions may read its columns.
export function insertSql<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  fields: Partial<T>,
  values: unknown[],
  extra: Record<string, string> = {},
  from?: string,
): string {
  const metadata = manager.connection.getMetadata(target);
  const driver = manager.connection.driver;
  const names: string[] = [];
  const places: string[] = [];
  for (const column of metadata.nonVirtualColumns) {
    let value: unknown = column.getEntityValue(fields);
    if (value === undefined && column.isVersion) {
      value = 1;
    }
    if (value !== undefined) {
      values.push(driver.preparePersistentValue(value, column));
      names.push(`"${column.databaseName}"`);
      places.push(`$${values.length}`);
    }
  }
  for (const [name, sql] of Object.entries(extra)) {
    names.push(`"${name}"`);
    places.push(sql);
  }
  const row = from ? `SELECT ${places.join(', ')} FROM ${from}` : `VALUES (${places.join(', ')})`;
  return `INSERT INTO "${metadata.tableName}" (${names.join(', ')}) ${row}
    RETURNING ${columnsSql(manager, target)}`;
}
