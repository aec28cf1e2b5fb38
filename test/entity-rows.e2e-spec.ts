import { DataSource } from 'typeorm';
import { columnsSql, entityFromRow } from '../src/database/entity-rows';
import { ENTITIES } from '../src/database/entities';
import { startApp, TestApp } from './support/app';

// Hot paths read entities from plain SQL (entity-rows.ts) with a plan per entity that copies
// the columns pg already gives as TypeORM would; every entity with rows in the demo data must
// read the same as through TypeORM's own find, transformers, dates and arrays included.
describe('Entities read from plain rows', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startApp();
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reads every entity as TypeORM reads it', async () => {
    let compared = 0;
    for (const target of ENTITIES) {
      const metadata = db.getMetadata(target);
      const order = Object.fromEntries(metadata.primaryColumns.map((c) => [c.propertyName, 'ASC']));
      const found = await db.manager.find(target, { order, take: 20 });
      if (found.length === 0) {
        continue;
      }
      const keys = metadata.primaryColumns.map((column) => `"${column.databaseName}"`).join(', ');
      const rows = await db.query<Record<string, unknown>[]>(
        `SELECT ${columnsSql(db.manager, target)} FROM "${metadata.tableName}" ORDER BY ${keys} LIMIT 20`,
      );
      // find leaves out the columns marked `select: false` (a password's hash); plain SQL has them.
      const hidden = metadata.columns.filter((c) => !c.isSelect).map((c) => c.propertyName);
      const read = (row: Record<string, unknown>) => {
        const entity: Record<string, unknown> = { ...entityFromRow(db.manager, target, row) };
        hidden.forEach((property) => delete entity[property]);
        return entity;
      };
      expect({ entity: metadata.name, rows: rows.map(read) }).toEqual({
        entity: metadata.name,
        rows: found.map((entity) => ({ ...entity })),
      });
      compared += 1;
    }
    // The demo data has rounds, organisations, users, bids, awards, returns and more.
    expect(compared).toBeGreaterThan(15);
  });
});
