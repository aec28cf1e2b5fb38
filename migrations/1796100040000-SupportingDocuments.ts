import { MigrationInterface, QueryRunner } from 'typeorm';

// Supporting documents of bids and returns: the bytes are in the FileStore under storage_key;
// the row holds the sanitised name, the type read from the bytes, the SHA-256 and the scan.

export class SupportingDocuments1796100040000 implements MigrationInterface {
  name = 'SupportingDocuments1796100040000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "supporting_documents" ("id" uuid NOT NULL, "owner_type" text NOT NULL, "owner_id" uuid NOT NULL, "storage_key" text NOT NULL, "file_name" text NOT NULL, "media_type" text NOT NULL, "size_bytes" integer NOT NULL, "sha256" text NOT NULL, "scan_status" text NOT NULL DEFAULT 'pending', "scanned_at" TIMESTAMP WITH TIME ZONE, "signature" text, "uploaded_by" uuid NOT NULL, "uploaded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_eec1872c28261b33955af8d2acd" UNIQUE ("storage_key"), CONSTRAINT "ck_supporting_documents_size" CHECK ("size_bytes" > 0), CONSTRAINT "ck_supporting_documents_sha256" CHECK ("sha256" ~ '^[0-9a-f]{64}$'), CONSTRAINT "ck_supporting_documents_scan_status" CHECK ("scan_status" IN ('pending', 'clean', 'infected')), CONSTRAINT "ck_supporting_documents_owner_type" CHECK ("owner_type" IN ('bid', 'return')), CONSTRAINT "PK_4f61218d351fcc039bc6b89f244" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_supporting_documents_owner" ON "supporting_documents"  ("owner_type", "owner_id", "uploaded_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "supporting_documents" ADD CONSTRAINT "FK_f40c4f5c6295015a97490f9a650" FOREIGN KEY ("uploaded_by") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "supporting_documents" DROP CONSTRAINT "FK_f40c4f5c6295015a97490f9a650"`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_supporting_documents_owner"`);
    await queryRunner.query(`DROP TABLE "supporting_documents"`);
  }
}
