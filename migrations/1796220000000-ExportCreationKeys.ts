import { MigrationInterface, QueryRunner } from 'typeorm';

// An export request's Idempotency-Key and a hash of what it asked for: the same form sent twice
// (a double click) makes one export.
export class ExportCreationKeys1796220000000 implements MigrationInterface {
  name = 'ExportCreationKeys1796220000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "report_exports" ADD "creation_key" text`);
    await queryRunner.query(`ALTER TABLE "report_exports" ADD "creation_hash" text`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_report_exports_creation_key" ON "report_exports" ("requested_by", "creation_key") WHERE "creation_key" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_report_exports_creation_key"`);
    await queryRunner.query(`ALTER TABLE "report_exports" DROP COLUMN "creation_hash"`);
    await queryRunner.query(`ALTER TABLE "report_exports" DROP COLUMN "creation_key"`);
  }
}
