import { MigrationInterface, QueryRunner } from 'typeorm';

// An organisation's names over time, so a report as at a past moment shows the name it went by
// then. The database writes a row whenever an organisation is created or its name changes,
// whatever code path writes it (the service, the demo seed, a bulk load); the names organisations
// have now are kept as valid from their creation.
export class OrganisationNameHistory1796200083000 implements MigrationInterface {
  name = 'OrganisationNameHistory1796200083000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "organisation_names" ("organisation_id" uuid NOT NULL, "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL, "name" text NOT NULL, CONSTRAINT "PK_organisation_names" PRIMARY KEY ("organisation_id", "valid_from"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "organisation_names" ADD CONSTRAINT "FK_1f3bf812cee63e5141ec06a20e4" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `INSERT INTO organisation_names (organisation_id, valid_from, name)
       SELECT id, created_at, name FROM organisations`,
    );
    // A name set twice in one transaction keeps the last: one row per moment.
    await queryRunner.query(`
      CREATE FUNCTION organisations_keep_name() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' OR NEW.name IS DISTINCT FROM OLD.name THEN
          INSERT INTO organisation_names (organisation_id, valid_from, name)
          VALUES (NEW.id, CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE now() END, NEW.name)
          ON CONFLICT (organisation_id, valid_from) DO UPDATE SET name = EXCLUDED.name;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER organisations_keep_name AFTER INSERT OR UPDATE OF name ON organisations
      FOR EACH ROW EXECUTE FUNCTION organisations_keep_name()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER organisations_keep_name ON organisations`);
    await queryRunner.query(`DROP FUNCTION organisations_keep_name()`);
    await queryRunner.query(`DROP TABLE "organisation_names"`);
  }
}
