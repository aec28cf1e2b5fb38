import { MigrationInterface, QueryRunner } from 'typeorm';

// Each user's role and organisation over time, for separation of duties. Every existing user
// gets one open spell from their creation in what they are now (who made them is not known).
export class UserMemberships1796100003000 implements MigrationInterface {
  name = 'UserMemberships1796100003000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "user_memberships" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "role" text NOT NULL, "organisation_id" uuid, "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL, "valid_until" TIMESTAMP WITH TIME ZONE, "changed_by" uuid, CONSTRAINT "ck_user_memberships_period" CHECK ("valid_until" IS NULL OR "valid_until" >= "valid_from"), CONSTRAINT "PK_5da67bb31a58da5c021ed713860" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_user_memberships_user" ON "user_memberships" ("user_id", "valid_from") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_user_memberships_open" ON "user_memberships" ("user_id") WHERE "valid_until" IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "user_memberships" ADD CONSTRAINT "FK_b369bfb0586d848e7f52f47d492" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "user_memberships" ADD CONSTRAINT "FK_ba2cbd8c706886e7d38d96da37d" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `INSERT INTO "user_memberships" ("user_id", "role", "organisation_id", "valid_from")
       SELECT "id", "role", "organisation_id", "created_at" FROM "users"`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "user_memberships" DROP CONSTRAINT "FK_ba2cbd8c706886e7d38d96da37d"`,
    );
    await queryRunner.query(
      `ALTER TABLE "user_memberships" DROP CONSTRAINT "FK_b369bfb0586d848e7f52f47d492"`,
    );
    await queryRunner.query(`DROP INDEX "public"."uq_user_memberships_open"`);
    await queryRunner.query(`DROP INDEX "public"."ix_user_memberships_user"`);
    await queryRunner.query(`DROP TABLE "user_memberships"`);
  }
}
