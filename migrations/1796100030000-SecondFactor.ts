import { MigrationInterface, QueryRunner } from 'typeorm';

// Two-factor sign-in (TOTP): the confirmed moment on the user (read with every request), the
// encrypted secret with the last accepted time step, and the single-use recovery codes, hashed.
export class SecondFactor1796100030000 implements MigrationInterface {
  name = 'SecondFactor1796100030000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "second_factors" ("user_id" uuid NOT NULL, "secret_ciphertext" text NOT NULL, "last_used_step" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_16f2eb964b73e67d1f570c34825" PRIMARY KEY ("user_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "recovery_codes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "code_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0723b9e53961e799027d7f7ba32" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_recovery_codes_user_hash" ON "recovery_codes"  ("user_id", "code_hash") `,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD "second_factor_enrolled_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "second_factors" ADD CONSTRAINT "FK_16f2eb964b73e67d1f570c34825" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "recovery_codes" ADD CONSTRAINT "FK_fb82b2ac740ca095b617afad031" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "recovery_codes" DROP CONSTRAINT "FK_fb82b2ac740ca095b617afad031"`,
    );
    await queryRunner.query(
      `ALTER TABLE "second_factors" DROP CONSTRAINT "FK_16f2eb964b73e67d1f570c34825"`,
    );
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "second_factor_enrolled_at"`);
    await queryRunner.query(`DROP INDEX "public"."uq_recovery_codes_user_hash"`);
    await queryRunner.query(`DROP TABLE "recovery_codes"`);
    await queryRunner.query(`DROP TABLE "second_factors"`);
  }
}
