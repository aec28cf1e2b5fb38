import { MigrationInterface, QueryRunner } from 'typeorm';

// One organisation's later close time for a round: at most one per organisation and round.
export class RoundDeadlineExtensions1796200040000 implements MigrationInterface {
  name = 'RoundDeadlineExtensions1796200040000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "round_deadline_extensions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "round_id" uuid NOT NULL, "organisation_id" uuid NOT NULL, "closes_at" TIMESTAMP WITH TIME ZONE NOT NULL, "reason" text NOT NULL, "granted_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ck_round_deadline_extensions_reason" CHECK (length(btrim("reason")) > 0), CONSTRAINT "PK_6c8db452e2c63bdaa026e416963" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_round_deadline_extensions_organisation" ON "round_deadline_extensions" ("round_id", "organisation_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "round_deadline_extensions" ADD CONSTRAINT "FK_677fe768b4893320a01a5badde0" FOREIGN KEY ("round_id") REFERENCES "funding_rounds"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "round_deadline_extensions" ADD CONSTRAINT "FK_6b20b3dfdca1cdad270a4ca16fb" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "round_deadline_extensions" ADD CONSTRAINT "FK_27f69a4e0917963bc96a7cbecad" FOREIGN KEY ("granted_by") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "round_deadline_extensions" DROP CONSTRAINT "FK_27f69a4e0917963bc96a7cbecad"`,
    );
    await queryRunner.query(
      `ALTER TABLE "round_deadline_extensions" DROP CONSTRAINT "FK_6b20b3dfdca1cdad270a4ca16fb"`,
    );
    await queryRunner.query(
      `ALTER TABLE "round_deadline_extensions" DROP CONSTRAINT "FK_677fe768b4893320a01a5badde0"`,
    );
    await queryRunner.query(`DROP INDEX "public"."uq_round_deadline_extensions_organisation"`);
    await queryRunner.query(`DROP TABLE "round_deadline_extensions"`);
  }
}
