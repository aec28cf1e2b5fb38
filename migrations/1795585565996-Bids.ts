import { MigrationInterface, QueryRunner } from 'typeorm';

export class Bids1795585565996 implements MigrationInterface {
  name = 'Bids1795585565996';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "bid_cost_lines" ("bid_id" uuid NOT NULL, "financial_year" text NOT NULL, "kind" text NOT NULL, "amount_pence" bigint NOT NULL, CONSTRAINT "ck_bid_cost_lines_positive" CHECK ("amount_pence" > 0), CONSTRAINT "ck_bid_cost_lines_financial_year" CHECK ("financial_year" ~ '^[0-9]{4}/[0-9]{2}$'), CONSTRAINT "ck_bid_cost_lines_kind" CHECK ("kind" IN ('capital', 'revenue')), CONSTRAINT "PK_13092db25d636c72f0783967aec" PRIMARY KEY ("bid_id", "financial_year", "kind"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "bid_match_funding" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "bid_id" uuid NOT NULL, "position" integer NOT NULL, "source" text NOT NULL, "kind" text NOT NULL, "amount_pence" bigint NOT NULL, CONSTRAINT "ck_bid_match_funding_positive" CHECK ("amount_pence" > 0), CONSTRAINT "ck_bid_match_funding_kind" CHECK ("kind" IN ('cash', 'in_kind')), CONSTRAINT "PK_45a9fbde163aadfa9d6d174d9af" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_bid_match_funding_position" ON "bid_match_funding"  ("bid_id", "position") `,
    );
    await queryRunner.query(
      `CREATE TABLE "bid_interventions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "bid_id" uuid NOT NULL, "position" integer NOT NULL, "category" text NOT NULL, "type" text NOT NULL, "description" text NOT NULL, "evidence" text NOT NULL DEFAULT '', "cost_pence" bigint NOT NULL, "output_measure" text, "output_target" integer, CONSTRAINT "ck_bid_interventions_target" CHECK ("output_target" IS NULL OR "output_target" > 0), CONSTRAINT "ck_bid_interventions_cost" CHECK ("cost_pence" > 0), CONSTRAINT "PK_c3562cbecd43bf79936113f9de8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_bid_interventions_position" ON "bid_interventions"  ("bid_id", "position") `,
    );
    await queryRunner.query(
      `CREATE TABLE "bids" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "round_id" uuid NOT NULL, "organisation_id" uuid NOT NULL, "applicant_type" text NOT NULL, "force_area_code" text, "number" integer NOT NULL, "reference" text NOT NULL, "status" text NOT NULL DEFAULT 'draft', "title" text NOT NULL, "summary" text NOT NULL DEFAULT '', "target_lsoas" text array NOT NULL DEFAULT '{}', "problem_profile" text NOT NULL DEFAULT '', "primary_crime_type" text, "secondary_crime_types" text array NOT NULL DEFAULT '{}', "theory_of_change" text NOT NULL DEFAULT '', "partners" jsonb NOT NULL DEFAULT '[]', "consultation" text NOT NULL DEFAULT '', "milestones" jsonb NOT NULL DEFAULT '[]', "risks" jsonb NOT NULL DEFAULT '[]', "evaluation_approach" text NOT NULL DEFAULT '', "requested_pence" bigint NOT NULL DEFAULT '0', "match_funding_pence" bigint NOT NULL DEFAULT '0', "needs_endorsement" boolean NOT NULL, "endorsement_decision" text, "endorsement_reason" text, "endorsement_by" uuid, "endorsement_at" TIMESTAMP WITH TIME ZONE, "pcc_rank" integer, "created_by" uuid NOT NULL, "submitted_at" TIMESTAMP WITH TIME ZONE, "submitted_by" uuid, "submitted_digest" text, "withdrawn_at" TIMESTAMP WITH TIME ZONE, "withdrawal_reason" text, "creation_key" text, "creation_hash" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "UQ_d528008faf2006a456dd25e71e4" UNIQUE ("reference"), CONSTRAINT "uq_bids_area_rank" UNIQUE ("round_id", "force_area_code", "pcc_rank") DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "ck_bids_rank" CHECK ("pcc_rank" IS NULL OR "pcc_rank" >= 1), CONSTRAINT "ck_bids_requested" CHECK ("requested_pence" >= 0 AND "match_funding_pence" >= 0), CONSTRAINT "ck_bids_submitted_at" CHECK ("status" IN ('draft', 'withdrawn') OR "submitted_at" IS NOT NULL), CONSTRAINT "ck_bids_draft_unsubmitted" CHECK ("status" <> 'draft' OR "submitted_at" IS NULL), CONSTRAINT "ck_bids_endorsement_needed" CHECK ("endorsement_decision" IS NULL OR "needs_endorsement"), CONSTRAINT "ck_bids_endorsement_decision" CHECK ("endorsement_decision" IN ('endorsed', 'declined')), CONSTRAINT "ck_bids_status" CHECK ("status" IN ('draft', 'submitted', 'eligibility_failed', 'in_assessment', 'moderated', 'awarded', 'unsuccessful', 'withdrawn')), CONSTRAINT "PK_7950d066d322aab3a488ac39fe5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_bids_organisation" ON "bids"  ("organisation_id") `);
    await queryRunner.query(
      `CREATE INDEX "ix_bids_round_status" ON "bids"  ("round_id", "status") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_bids_creation_key" ON "bids"  ("created_by", "creation_key") WHERE "creation_key" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_bids_round_number" ON "bids"  ("round_id", "number") `,
    );
    await queryRunner.query(
      `ALTER TABLE "bid_cost_lines" ADD CONSTRAINT "FK_894cc996c772f12c78e4aee74ee" FOREIGN KEY ("bid_id") REFERENCES "bids"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "bid_match_funding" ADD CONSTRAINT "FK_38b80eb9368d35f8cbe8e0c5eaa" FOREIGN KEY ("bid_id") REFERENCES "bids"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "bid_interventions" ADD CONSTRAINT "FK_193b86f79a051a222b58a6b263a" FOREIGN KEY ("bid_id") REFERENCES "bids"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "bids" ADD CONSTRAINT "FK_36862f7bed3d30564b73b094601" FOREIGN KEY ("round_id") REFERENCES "funding_rounds"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "bids" ADD CONSTRAINT "FK_07c9f827c006d3e3a5ebbe984c5" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "bids" ADD CONSTRAINT "FK_784d7424ee2e7f768214e821fe5" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "bids" DROP CONSTRAINT "FK_784d7424ee2e7f768214e821fe5"`);
    await queryRunner.query(`ALTER TABLE "bids" DROP CONSTRAINT "FK_07c9f827c006d3e3a5ebbe984c5"`);
    await queryRunner.query(`ALTER TABLE "bids" DROP CONSTRAINT "FK_36862f7bed3d30564b73b094601"`);
    await queryRunner.query(
      `ALTER TABLE "bid_interventions" DROP CONSTRAINT "FK_193b86f79a051a222b58a6b263a"`,
    );
    await queryRunner.query(
      `ALTER TABLE "bid_match_funding" DROP CONSTRAINT "FK_38b80eb9368d35f8cbe8e0c5eaa"`,
    );
    await queryRunner.query(
      `ALTER TABLE "bid_cost_lines" DROP CONSTRAINT "FK_894cc996c772f12c78e4aee74ee"`,
    );
    await queryRunner.query(`DROP INDEX "public"."uq_bids_round_number"`);
    await queryRunner.query(`DROP INDEX "public"."uq_bids_creation_key"`);
    await queryRunner.query(`DROP INDEX "public"."ix_bids_round_status"`);
    await queryRunner.query(`DROP INDEX "public"."ix_bids_organisation"`);
    await queryRunner.query(`DROP TABLE "bids"`);
    await queryRunner.query(`DROP INDEX "public"."uq_bid_interventions_position"`);
    await queryRunner.query(`DROP TABLE "bid_interventions"`);
    await queryRunner.query(`DROP INDEX "public"."uq_bid_match_funding_position"`);
    await queryRunner.query(`DROP TABLE "bid_match_funding"`);
    await queryRunner.query(`DROP TABLE "bid_cost_lines"`);
  }
}
