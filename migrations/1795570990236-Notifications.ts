import { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1795570990236 implements MigrationInterface {
  name = 'Notifications1795570990236';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "email_outbox" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "dedupe_key" text NOT NULL, "template" text NOT NULL, "recipients" text array NOT NULL, "data" jsonb NOT NULL, "object_type" text, "object_id" text, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "subject" text, "message_id" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "relayed_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "failed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_3de86bb629a008d332321b13d93" UNIQUE ("dedupe_key"), CONSTRAINT "ck_email_outbox_sent_at" CHECK (("status" = 'sent') = ("sent_at" IS NOT NULL)), CONSTRAINT "ck_email_outbox_recipients" CHECK (cardinality("recipients") BETWEEN 1 AND 50), CONSTRAINT "ck_email_outbox_status" CHECK ("status" IN ('pending', 'sending', 'sent', 'failed')), CONSTRAINT "PK_b6fbfc201f705fbf1ac87bd7197" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_email_outbox_object" ON "email_outbox"  ("object_type", "object_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_email_outbox_unfinished" ON "email_outbox"  ("relayed_at") WHERE "status" IN ('pending', 'sending')`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_email_outbox_created" ON "email_outbox"  ("created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_email_outbox_recipients" ON "email_outbox" USING gin ("recipients")`,
    );
    await queryRunner.query(`ALTER TABLE "users" ADD "last_login_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "last_login_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_email_outbox_recipients"`);
    await queryRunner.query(`DROP INDEX "public"."ix_email_outbox_created"`);
    await queryRunner.query(`DROP INDEX "public"."ix_email_outbox_unfinished"`);
    await queryRunner.query(`DROP INDEX "public"."ix_email_outbox_object"`);
    await queryRunner.query(`DROP TABLE "email_outbox"`);
  }
}
