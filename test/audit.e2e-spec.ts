import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/load-config';

describe('audit trail storage', () => {
  let db: DataSource;
  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: loadConfig().databaseUrl }).initialize();
  });
  afterAll(() => db.destroy());

  it('refuses UPDATE, DELETE and TRUNCATE on audit rows, even for the table owner', async () => {
    const [row] = await db.query<{ id: string; command: string }[]>(
      `SELECT id, command FROM audit_events ORDER BY occurred_at LIMIT 1`,
    );
    expect(row).toBeDefined();
    await expect(
      db.query(`UPDATE audit_events SET command = 'tampered' WHERE id = $1`, [row.id]),
    ).rejects.toThrow(/append-only: UPDATE/);
    await expect(db.query(`DELETE FROM audit_events WHERE id = $1`, [row.id])).rejects.toThrow(
      /append-only: DELETE/,
    );
    await expect(db.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only: TRUNCATE/);
    const [after] = await db.query<{ command: string }[]>(
      `SELECT command FROM audit_events WHERE id = $1`,
      [row.id],
    );
    expect(after.command).toBe(row.command);
  });
});
