import { MigrationInterface, QueryRunner } from 'typeorm';

// Variations of active awards: the proposed quarterly profile, the decision, and on approval the
// award as it stood before (so reports as at an earlier moment read the old figures).

export class AwardVariations1796200010000 implements MigrationInterface {
  name = 'AwardVariations1796200010000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "award_variations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "award_id" uuid NOT NULL, "organisation_id" uuid NOT NULL, "status" text NOT NULL, "reason" text NOT NULL, "profile" jsonb NOT NULL, "amount_pence" bigint NOT NULL, "delivery_ends_on" date, "output_targets" jsonb, "requested_by" uuid NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL, "decided_by" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "second_approver_id" uuid, "approved_at" TIMESTAMP WITH TIME ZONE, "profile_before" jsonb, "lines_before" jsonb, "delivery_ends_on_before" date, "amount_pence_before" bigint, "closed_at" TIMESTAMP WITH TIME ZONE, "refusal_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ck_award_variations_amount" CHECK ("amount_pence" >= 0), CONSTRAINT "ck_award_variations_second_approver" CHECK ("second_approver_id" IS NULL OR "second_approver_id" <> "decided_by"), CONSTRAINT "ck_award_variations_refused" CHECK ("status" <> 'refused' OR ("closed_at" IS NOT NULL AND length(btrim("refusal_reason")) > 0)), CONSTRAINT "ck_award_variations_approved" CHECK ("status" <> 'approved' OR ("approved_at" IS NOT NULL AND "profile_before" IS NOT NULL AND "lines_before" IS NOT NULL AND "decided_by" IS NOT NULL)), CONSTRAINT "ck_award_variations_reason" CHECK (length(btrim("reason")) > 0), CONSTRAINT "ck_award_variations_status" CHECK ("status" IN ('requested', 'pending_second_approval', 'approved', 'refused', 'withdrawn')), CONSTRAINT "PK_a320a619fe0d4ea078792bead75" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_award_variations_award_approved" ON "award_variations"  ("award_id", "approved_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_award_variations_open" ON "award_variations"  ("award_id") WHERE "status" IN ('requested', 'pending_second_approval')`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_variations" ADD CONSTRAINT "FK_e4b23b1bcbf70a6f3154c32866b" FOREIGN KEY ("award_id") REFERENCES "award_decisions"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_variations" ADD CONSTRAINT "FK_8204733fe58646ed1149c670912" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_variations" ADD CONSTRAINT "FK_3e42aed23fad620c1297c5f3174" FOREIGN KEY ("requested_by") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_variations" ADD CONSTRAINT "FK_bbb660d2dee0626cf239f0f0dd7" FOREIGN KEY ("decided_by") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_variations" ADD CONSTRAINT "FK_a9d7aadcbd10e29a67311012c2a" FOREIGN KEY ("second_approver_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "award_variations" DROP CONSTRAINT "FK_a9d7aadcbd10e29a67311012c2a"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_variations" DROP CONSTRAINT "FK_bbb660d2dee0626cf239f0f0dd7"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_variations" DROP CONSTRAINT "FK_3e42aed23fad620c1297c5f3174"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_variations" DROP CONSTRAINT "FK_8204733fe58646ed1149c670912"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_variations" DROP CONSTRAINT "FK_e4b23b1bcbf70a6f3154c32866b"`,
    );
    await queryRunner.query(`DROP INDEX "public"."uq_award_variations_open"`);
    await queryRunner.query(`DROP INDEX "public"."ix_award_variations_award_approved"`);
    await queryRunner.query(`DROP TABLE "award_variations"`);
  }
}
