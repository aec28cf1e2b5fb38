import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795567565943 implements MigrationInterface {
  name = 'Foundation1795567565943';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_id" uuid, "actor_label" text NOT NULL, "command" text NOT NULL, "object_type" text NOT NULL, "object_id" text NOT NULL, "changes" jsonb NOT NULL, CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_events_object" ON "audit_events"  ("object_type", "object_id", "occurred_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "police_force_areas" ("code" text NOT NULL, "name" text NOT NULL, "country" text NOT NULL, CONSTRAINT "UQ_9fa055a95431487359b51f4ca62" UNIQUE ("name"), CONSTRAINT "PK_24206e10416b701514b742f7d59" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "organisations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "type" text NOT NULL, "force_area_code" text, "company_number" text, "charity_number" text, "gss_code" text, "website" text, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "UQ_4a3dcb66f1630f551b81bca1b34" UNIQUE ("name"), CONSTRAINT "ck_organisations_force_area" CHECK ("type" = 'btp' OR "force_area_code" IS NOT NULL), CONSTRAINT "ck_organisations_type" CHECK ("type" IN ('pcc', 'local_authority', 'btp', 'cso')), CONSTRAINT "PK_7bf54cba378d5b2f1d4c10ef4df" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_organisations_one_pcc_per_area" ON "organisations"  ("force_area_code") WHERE "type" = 'pcc'`,
    );
    await queryRunner.query(
      `CREATE TABLE "round_year_caps" ("round_id" uuid NOT NULL, "financial_year" text NOT NULL, "cap_pence" bigint NOT NULL, CONSTRAINT "ck_round_year_caps_positive" CHECK ("cap_pence" > 0), CONSTRAINT "ck_round_year_caps_financial_year" CHECK ("financial_year" ~ '^[0-9]{4}/[0-9]{2}$'), CONSTRAINT "PK_0797524e38d532aa12e6604cbea" PRIMARY KEY ("round_id", "financial_year"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "funding_rounds" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" text NOT NULL, "name" text NOT NULL, "status" text NOT NULL DEFAULT 'draft', "award_type" text NOT NULL, "direct_award_justification" text, "budget_pence" bigint NOT NULL, "opens_at" TIMESTAMP WITH TIME ZONE NOT NULL, "closes_at" TIMESTAMP WITH TIME ZONE NOT NULL, "delivery_starts_on" date NOT NULL, "delivery_ends_on" date NOT NULL, "eligible_applicant_types" text array NOT NULL, "cap_per_bid_pence" bigint NOT NULL, "match_funding_percent" jsonb NOT NULL, "bid_limit_scope" text NOT NULL, "bid_limit" integer NOT NULL, "crime_focus" text array NOT NULL DEFAULT '{}', "intervention_taxonomy" jsonb NOT NULL, "assessments_per_bid" integer NOT NULL DEFAULT '2', "divergence_threshold" integer NOT NULL, "quality_threshold" integer NOT NULL, "approval_threshold_pence" bigint NOT NULL DEFAULT '10000000', "return_due_days" integer NOT NULL DEFAULT '30', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "UQ_ccd73a5d78cb51c6a2838f0a46a" UNIQUE ("code"), CONSTRAINT "ck_funding_rounds_cap_within_budget" CHECK ("cap_per_bid_pence" > 0 AND "cap_per_bid_pence" <= "budget_pence"), CONSTRAINT "ck_funding_rounds_delivery" CHECK ("delivery_ends_on" > "delivery_starts_on"), CONSTRAINT "ck_funding_rounds_window" CHECK ("closes_at" > "opens_at"), CONSTRAINT "ck_funding_rounds_bid_limit_scope" CHECK ("bid_limit_scope" IN ('pcc_area', 'applicant')), CONSTRAINT "ck_funding_rounds_direct_award_justified" CHECK ("award_type" = 'competitive' OR length(btrim("direct_award_justification")) > 0), CONSTRAINT "ck_funding_rounds_award_type" CHECK ("award_type" IN ('competitive', 'direct')), CONSTRAINT "ck_funding_rounds_status" CHECK ("status" IN ('draft', 'open', 'closed', 'assessment', 'decided', 'delivery', 'closed_out')), CONSTRAINT "PK_97ceda929557b9a726c83108962" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "assessment_criteria" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "round_id" uuid NOT NULL, "position" integer NOT NULL, "title" text NOT NULL, "guidance" text NOT NULL DEFAULT '', "weight" integer NOT NULL, "max_mark" integer NOT NULL, CONSTRAINT "ck_assessment_criteria_max_mark" CHECK ("max_mark" BETWEEN 1 AND 100), CONSTRAINT "ck_assessment_criteria_weight" CHECK ("weight" BETWEEN 1 AND 100), CONSTRAINT "PK_61d6c22cc4e4b391a7f554cbd83" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_assessment_criteria_position" ON "assessment_criteria"  ("round_id", "position") `,
    );
    await queryRunner.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "name" text NOT NULL, "role" text NOT NULL, "organisation_id" uuid, "password_hash" text NOT NULL, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"), CONSTRAINT "ck_users_email_lowercase" CHECK ("email" = lower("email")), CONSTRAINT "ck_users_applicant_organisation" CHECK (("role" = 'applicant') = ("organisation_id" IS NOT NULL)), CONSTRAINT "ck_users_role" CHECK ("role" IN ('applicant', 'assessor', 'moderator', 'approver', 'finance', 'admin')), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "organisations" ADD CONSTRAINT "FK_5a58beb24fb30a933f59cf8f4d5" FOREIGN KEY ("force_area_code") REFERENCES "police_force_areas"("code") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "round_year_caps" ADD CONSTRAINT "FK_dbb18187ef9f932b4d7237fe418" FOREIGN KEY ("round_id") REFERENCES "funding_rounds"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "assessment_criteria" ADD CONSTRAINT "FK_081b0047d3a72c2faddb4278699" FOREIGN KEY ("round_id") REFERENCES "funding_rounds"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "FK_2fc4294f8ec97da71d587dc5577" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    // The audit trail is append-only: the database itself refuses to change or remove a row.
    await queryRunner.query(
      `CREATE FUNCTION "audit_events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "FK_2fc4294f8ec97da71d587dc5577"`);
    await queryRunner.query(
      `ALTER TABLE "assessment_criteria" DROP CONSTRAINT "FK_081b0047d3a72c2faddb4278699"`,
    );
    await queryRunner.query(
      `ALTER TABLE "round_year_caps" DROP CONSTRAINT "FK_dbb18187ef9f932b4d7237fe418"`,
    );
    await queryRunner.query(
      `ALTER TABLE "organisations" DROP CONSTRAINT "FK_5a58beb24fb30a933f59cf8f4d5"`,
    );
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP INDEX "public"."uq_assessment_criteria_position"`);
    await queryRunner.query(`DROP TABLE "assessment_criteria"`);
    await queryRunner.query(`DROP TABLE "funding_rounds"`);
    await queryRunner.query(`DROP TABLE "round_year_caps"`);
    await queryRunner.query(`DROP INDEX "public"."uq_organisations_one_pcc_per_area"`);
    await queryRunner.query(`DROP TABLE "organisations"`);
    await queryRunner.query(`DROP TABLE "police_force_areas"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_events_object"`);
    await queryRunner.query(`DROP TRIGGER "audit_events_no_truncate" ON "audit_events"`);
    await queryRunner.query(`DROP TRIGGER "audit_events_no_update_delete" ON "audit_events"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
    await queryRunner.query(`DROP FUNCTION "audit_events_refuse_change"()`);
  }
}
