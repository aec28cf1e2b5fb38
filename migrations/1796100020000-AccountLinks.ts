import { MigrationInterface, QueryRunner } from 'typeorm';

// Invitations and password resets: single-use links stored as token hashes, and users who have
// no password until they accept their invitation. Every existing user set a password already
// (an admin typed it): they count as having set it when their row last changed.
export class AccountLinks1796100020000 implements MigrationInterface {
  name = 'AccountLinks1796100020000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "account_links" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "purpose" text NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "voided_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_0c2e20e8aa37ab904b00e4cd5bc" UNIQUE ("token_hash"), CONSTRAINT "ck_account_links_closed_once" CHECK ("used_at" IS NULL OR "voided_at" IS NULL), CONSTRAINT "ck_account_links_purpose" CHECK ("purpose" IN ('invitation', 'password-reset')), CONSTRAINT "PK_e03b1e79173941b176b58836ecd" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_account_links_outstanding" ON "account_links"  ("user_id", "purpose") WHERE "used_at" IS NULL AND "voided_at" IS NULL`,
    );
    await queryRunner.query(`ALTER TABLE "users" ADD "password_set_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "users" ALTER COLUMN "password_hash" DROP NOT NULL`);
    // '!invited' is what down() leaves for users still invited: invited again after a re-run.
    await queryRunner.query(
      `UPDATE "users" SET "password_hash" = NULL WHERE "password_hash" = '!invited'`,
    );
    await queryRunner.query(
      `UPDATE "users" SET "password_set_at" = "updated_at" WHERE "password_hash" IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "ck_users_password_set" CHECK (("password_hash" IS NULL) = ("password_set_at" IS NULL))`,
    );
    await queryRunner.query(
      `ALTER TABLE "account_links" ADD CONSTRAINT "FK_d6c82edbecf4f6409b579e78b0d" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "account_links" DROP CONSTRAINT "FK_d6c82edbecf4f6409b579e78b0d"`,
    );
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "ck_users_password_set"`);
    // Users still invited get a hash nothing verifies against: they stay unable to sign in.
    await queryRunner.query(
      `UPDATE "users" SET "password_hash" = '!invited' WHERE "password_hash" IS NULL`,
    );
    await queryRunner.query(`ALTER TABLE "users" ALTER COLUMN "password_hash" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "password_set_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_account_links_outstanding"`);
    await queryRunner.query(`DROP TABLE "account_links"`);
  }
}
