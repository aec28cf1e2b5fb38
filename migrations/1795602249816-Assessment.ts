import { MigrationInterface, QueryRunner } from 'typeorm';

export class Assessment1795602249816 implements MigrationInterface {
  name = 'Assessment1795602249816';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "assessment_assignments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "round_id" uuid NOT NULL, "bid_id" uuid NOT NULL, "assessor_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'assigned', "assigned_by" uuid NOT NULL, "assigned_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "declaration" text, "declared_at" TIMESTAMP WITH TIME ZONE, "conflict_reason" text, "submitted_at" TIMESTAMP WITH TIME ZONE, "score_hundredths" integer, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ck_assignments_submitted" CHECK ("status" <> 'submitted' OR ("declaration" = 'no_conflict' AND "submitted_at" IS NOT NULL AND "score_hundredths" BETWEEN 0 AND 10000)), CONSTRAINT "ck_assignments_conflict" CHECK (("status" = 'conflict_declared') = ("declaration" = 'conflict' AND length(btrim("conflict_reason")) > 0)), CONSTRAINT "ck_assignments_declaration" CHECK ("declaration" IN ('no_conflict', 'conflict')), CONSTRAINT "ck_assignments_status" CHECK ("status" IN ('assigned', 'conflict_declared', 'submitted', 'cancelled')), CONSTRAINT "PK_e300035339739f3c27eb55a20e9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_assignments_round_assessor" ON "assessment_assignments"  ("round_id", "assessor_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_assignments_bid_assessor" ON "assessment_assignments"  ("bid_id", "assessor_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "assessment_marks" ("assignment_id" uuid NOT NULL, "criterion_id" uuid NOT NULL, "mark" integer NOT NULL, "justification" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_assessment_marks_justified" CHECK (length(btrim("justification")) > 0), CONSTRAINT "ck_assessment_marks_mark" CHECK ("mark" >= 0), CONSTRAINT "PK_531e5354c23243d4c9d79a098fe" PRIMARY KEY ("assignment_id", "criterion_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "assessor_affiliations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "assessor_id" uuid NOT NULL, "organisation_id" uuid, "force_area_code" text, "note" text NOT NULL DEFAULT '', "declared_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_assessor_affiliations_one_target" CHECK (("organisation_id" IS NULL) <> ("force_area_code" IS NULL)), CONSTRAINT "PK_3d906813e691926acf899b4c5bc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_assessor_affiliations_area" ON "assessor_affiliations"  ("assessor_id", "force_area_code") WHERE "force_area_code" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_assessor_affiliations_organisation" ON "assessor_affiliations"  ("assessor_id", "organisation_id") WHERE "organisation_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "bid_scores" ("bid_id" uuid NOT NULL, "round_id" uuid NOT NULL, "assessment_count" integer NOT NULL, "mean_hundredths" integer NOT NULL, "spread_hundredths" integer NOT NULL, "divergent" boolean NOT NULL, "final_score_hundredths" integer, "final_basis" text, "moderation_reason" text, "moderated_by" uuid, "moderated_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ck_bid_scores_divergent_moderated" CHECK (NOT "divergent" OR "final_basis" IS NULL OR "moderated_by" IS NOT NULL), CONSTRAINT "ck_bid_scores_moderated" CHECK ("final_basis" IS DISTINCT FROM 'moderated' OR ("moderated_by" IS NOT NULL AND length(btrim("moderation_reason")) > 0)), CONSTRAINT "ck_bid_scores_final" CHECK (("final_score_hundredths" IS NULL) = ("final_basis" IS NULL) AND ("final_score_hundredths" IS NULL OR "final_score_hundredths" BETWEEN 0 AND 10000)), CONSTRAINT "ck_bid_scores_range" CHECK ("mean_hundredths" BETWEEN 0 AND 10000 AND "spread_hundredths" >= 0), CONSTRAINT "PK_670195aaad39fc65af99c4888e1" PRIMARY KEY ("bid_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "funding_rounds" ADD "assessment_due_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(`ALTER TABLE "bids" ADD "eligibility_failure_reason" text`);
    await queryRunner.query(`ALTER TABLE "bids" ADD "eligibility_failed_by" uuid`);
    await queryRunner.query(
      `ALTER TABLE "bids" ADD "eligibility_failed_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "bids" ADD CONSTRAINT "ck_bids_eligibility_failure_reason" CHECK ("status" <> 'eligibility_failed' OR length(btrim("eligibility_failure_reason")) > 0)`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessment_assignments" ADD CONSTRAINT "FK_5f56a422a3f8f909ef00473010c" FOREIGN KEY ("round_id") REFERENCES "funding_rounds"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessment_assignments" ADD CONSTRAINT "FK_873628af8782b9a4716e3845035" FOREIGN KEY ("bid_id") REFERENCES "bids"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessment_assignments" ADD CONSTRAINT "FK_b861e9614b31932b22d27e048f2" FOREIGN KEY ("assessor_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessment_marks" ADD CONSTRAINT "FK_455b0b6ad403c20dac2356e0745" FOREIGN KEY ("assignment_id") REFERENCES "assessment_assignments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessment_marks" ADD CONSTRAINT "FK_472fe82cf339a91fc4fa776decf" FOREIGN KEY ("criterion_id") REFERENCES "assessment_criteria"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessor_affiliations" ADD CONSTRAINT "FK_75d218f24edbbd98643a9a76af8" FOREIGN KEY ("assessor_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessor_affiliations" ADD CONSTRAINT "FK_5f00904d45488874ab905e94f82" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessor_affiliations" ADD CONSTRAINT "FK_ede7d42aabf6c3a942e2de44a24" FOREIGN KEY ("force_area_code") REFERENCES "police_force_areas"("code") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "bid_scores" ADD CONSTRAINT "FK_670195aaad39fc65af99c4888e1" FOREIGN KEY ("bid_id") REFERENCES "bids"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "bid_scores" DROP CONSTRAINT "FK_670195aaad39fc65af99c4888e1"`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessor_affiliations" DROP CONSTRAINT "FK_ede7d42aabf6c3a942e2de44a24"`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessor_affiliations" DROP CONSTRAINT "FK_5f00904d45488874ab905e94f82"`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessor_affiliations" DROP CONSTRAINT "FK_75d218f24edbbd98643a9a76af8"`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessment_marks" DROP CONSTRAINT "FK_472fe82cf339a91fc4fa776decf"`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessment_marks" DROP CONSTRAINT "FK_455b0b6ad403c20dac2356e0745"`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessment_assignments" DROP CONSTRAINT "FK_b861e9614b31932b22d27e048f2"`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessment_assignments" DROP CONSTRAINT "FK_873628af8782b9a4716e3845035"`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessment_assignments" DROP CONSTRAINT "FK_5f56a422a3f8f909ef00473010c"`,
    );
    await queryRunner.query(
      `ALTER TABLE "bids" DROP CONSTRAINT "ck_bids_eligibility_failure_reason"`,
    );
    await queryRunner.query(`ALTER TABLE "bids" DROP COLUMN "eligibility_failed_at"`);
    await queryRunner.query(`ALTER TABLE "bids" DROP COLUMN "eligibility_failed_by"`);
    await queryRunner.query(`ALTER TABLE "bids" DROP COLUMN "eligibility_failure_reason"`);
    await queryRunner.query(`ALTER TABLE "funding_rounds" DROP COLUMN "assessment_due_at"`);
    await queryRunner.query(`DROP TABLE "bid_scores"`);
    await queryRunner.query(`DROP INDEX "public"."uq_assessor_affiliations_organisation"`);
    await queryRunner.query(`DROP INDEX "public"."uq_assessor_affiliations_area"`);
    await queryRunner.query(`DROP TABLE "assessor_affiliations"`);
    await queryRunner.query(`DROP TABLE "assessment_marks"`);
    await queryRunner.query(`DROP INDEX "public"."uq_assignments_bid_assessor"`);
    await queryRunner.query(`DROP INDEX "public"."ix_assignments_round_assessor"`);
    await queryRunner.query(`DROP TABLE "assessment_assignments"`);
  }
}
