import { MigrationInterface, QueryRunner } from 'typeorm';

// Every change to a user or a session is announced on the channel `user_access_changed` with the
// user's id (`*` for a TRUNCATE): each API process keeps what a request's token stood for in
// memory for a few seconds (SignedInCache) and drops it when it hears of a change. A change made
// through any connection, even by hand in psql, is announced; PostgreSQL sends the notice when
// the change commits and folds repeats within a transaction into one. An INSERT is not announced:
// nothing remembered names a user or session before it exists.
export class UserAccessChangeNotices1796230000000 implements MigrationInterface {
  name = 'UserAccessChangeNotices1796230000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION "user_access_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          PERFORM pg_notify('user_access_changed', '*');
        ELSIF TG_TABLE_NAME = 'users' THEN
          PERFORM pg_notify('user_access_changed', OLD.id::text);
        ELSE
          PERFORM pg_notify('user_access_changed', OLD.user_id::text);
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of ['users', 'user_sessions']) {
      await queryRunner.query(
        `CREATE TRIGGER "${table}_access_changed" AFTER UPDATE OR DELETE ON "${table}"
           FOR EACH ROW EXECUTE FUNCTION "user_access_changed"()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "${table}_access_truncated" AFTER TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION "user_access_changed"()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['users', 'user_sessions']) {
      await queryRunner.query(`DROP TRIGGER "${table}_access_truncated" ON "${table}"`);
      await queryRunner.query(`DROP TRIGGER "${table}_access_changed" ON "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION "user_access_changed"()`);
  }
}
