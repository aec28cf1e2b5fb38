import type { Driver, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

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
  const entity = metadata.create() as Record<string, unknown>;
  for (const read of readsOf(metadata, manager.connection.driver)) {
    read(entity, row);
  }
  return entity as T;
}

// Column types whose values pg hands over as TypeORM would read them, with no conversion, and
// the timestamp types, which TypeORM only turns into a Date when they are text.
const AS_SENT = new Set(['text', 'uuid', 'boolean', 'int', 'int4', 'integer', 'bigint', 'jsonb']);
const TIMESTAMPS = new Set(['timestamptz', 'timestamp with time zone']);

type ColumnRead = (entity: Record<string, unknown>, row: Record<string, unknown>) => void;
const reads = new WeakMap<EntityMetadata, ColumnRead[]>();

// How each column of an entity is read from a row, decided once per entity: a plain column of a
// type pg already gives as TypeORM gives it is copied, every other (a transformer, a date, an
// embedded column) goes through the driver's own conversion as a TypeORM read would. Asking the
// driver for every column of every row of a page was a few per cent of the API's CPU.
function readsOf(metadata: EntityMetadata, driver: Driver): ColumnRead[] {
  let planned = reads.get(metadata);
  if (!planned) {
    planned = metadata.nonVirtualColumns.map((column): ColumnRead => {
      const { databaseName: name, propertyName: property } = column;
      const plain = !column.transformer && !column.embeddedMetadata;
      if (plain && typeof column.type === 'string' && AS_SENT.has(column.type)) {
        return (entity, row) => (entity[property] = row[name]);
      }
      if (plain && typeof column.type === 'string' && TIMESTAMPS.has(column.type)) {
        return (entity, row) => {
          const value = row[name];
          entity[property] = value && typeof value === 'string' ? new Date(value) : value;
        };
      }
      return (entity, row) =>
        column.setEntityValue(entity, driver.prepareHydratedValue(row[name], column));
    });
    reads.set(metadata, planned);
  }
  return planned;
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
