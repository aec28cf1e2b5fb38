import { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportExports1795981109116 implements MigrationInterface {
  name = 'ReportExports1795981109116';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "report_exports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "round_id" uuid NOT NULL, "format" text NOT NULL, "as_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status" text NOT NULL DEFAULT 'queued', "progress" integer NOT NULL DEFAULT '0', "requested_by" uuid NOT NULL, "file_name" text, "size_bytes" bigint, "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "ck_report_exports_done" CHECK ("status" <> 'done' OR ("file_name" IS NOT NULL AND "size_bytes" IS NOT NULL AND "finished_at" IS NOT NULL)), CONSTRAINT "ck_report_exports_progress" CHECK ("progress" BETWEEN 0 AND 100), CONSTRAINT "ck_report_exports_status" CHECK ("status" IN ('queued', 'running', 'done', 'failed')), CONSTRAINT "ck_report_exports_format" CHECK ("format" IN ('csv', 'xlsx', 'html')), CONSTRAINT "PK_831f34e4d6c47ec2bb42a614465" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_report_exports_requester" ON "report_exports"  ("requested_by", "created_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "report_exports" ADD CONSTRAINT "FK_8cd2711393a8cc8223afcc2167b" FOREIGN KEY ("round_id") REFERENCES "funding_rounds"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "report_exports" DROP CONSTRAINT "FK_8cd2711393a8cc8223afcc2167b"`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_report_exports_requester"`);
    await queryRunner.query(`DROP TABLE "report_exports"`);
  }
}
