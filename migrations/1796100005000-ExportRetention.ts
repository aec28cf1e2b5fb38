import { MigrationInterface, QueryRunner } from 'typeorm';

// Exports expire: the retention sweep deletes a built export's file and marks its row expired.
export class ExportRetention1796100005000 implements MigrationInterface {
  name = 'ExportRetention1796100005000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "report_exports" DROP CONSTRAINT "ck_report_exports_status"`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_exports" ADD "expired_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_exports" ADD CONSTRAINT "ck_report_exports_expired" CHECK ("status" <> 'expired' OR "expired_at" IS NOT NULL)`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_exports" ADD CONSTRAINT "ck_report_exports_status" CHECK ("status" IN ('queued', 'running', 'done', 'failed', 'expired'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Back to a schema without expiry: an expired export reads as failed, its file gone.
    await queryRunner.query(
      `ALTER TABLE "report_exports" DROP CONSTRAINT "ck_report_exports_status"`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_exports" DROP CONSTRAINT "ck_report_exports_expired"`,
    );
    await queryRunner.query(
      `UPDATE "report_exports" SET "status" = 'failed', "error" = 'The export''s file was deleted after its retention period; ask for it again.' WHERE "status" = 'expired'`,
    );
    await queryRunner.query(`ALTER TABLE "report_exports" DROP COLUMN "expired_at"`);
    await queryRunner.query(
      `ALTER TABLE "report_exports" ADD CONSTRAINT "ck_report_exports_status" CHECK ("status" IN ('queued', 'running', 'done', 'failed'))`,
    );
  }
}
