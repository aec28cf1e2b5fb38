import { MigrationInterface, QueryRunner } from 'typeorm';

export class DeliveryReturns1795978988753 implements MigrationInterface {
  name = 'DeliveryReturns1795978988753';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "return_payments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "return_id" uuid NOT NULL, "award_id" uuid NOT NULL, "organisation_id" uuid NOT NULL, "amount_pence" bigint NOT NULL, "due_on" date NOT NULL, "status" text NOT NULL DEFAULT 'to_make', "paid_on" date, "reference" text, "recorded_by" uuid, "recorded_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_return_payments_made" CHECK (("status" = 'made') = ("paid_on" IS NOT NULL AND length(btrim("reference")) > 0 AND "recorded_by" IS NOT NULL AND "recorded_at" IS NOT NULL)), CONSTRAINT "ck_return_payments_amount" CHECK ("amount_pence" > 0), CONSTRAINT "ck_return_payments_status" CHECK ("status" IN ('to_make', 'made')), CONSTRAINT "PK_faa744618dcc1369fda70c2aeec" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_return_payments_award" ON "return_payments"  ("award_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_return_payments_status" ON "return_payments"  ("status", "due_on") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_return_payments_return" ON "return_payments"  ("return_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "return_submissions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "return_id" uuid NOT NULL, "number" integer NOT NULL, "content" jsonb NOT NULL, "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL, "submitted_by" uuid NOT NULL, "outcome" text, "review_comment" text, "reviewed_at" TIMESTAMP WITH TIME ZONE, "reviewed_by" uuid, "payable_pence" bigint, CONSTRAINT "ck_return_submissions_payable" CHECK (("outcome" = 'approved') = ("payable_pence" IS NOT NULL)), CONSTRAINT "ck_return_submissions_comment" CHECK ("outcome" IS DISTINCT FROM 'changes_requested' OR length(btrim("review_comment")) > 0), CONSTRAINT "ck_return_submissions_review" CHECK (("outcome" IS NULL) = ("reviewed_at" IS NULL) AND ("outcome" IS NULL) = ("reviewed_by" IS NULL)), CONSTRAINT "ck_return_submissions_outcome" CHECK ("outcome" IS NULL OR "outcome" IN ('approved', 'changes_requested')), CONSTRAINT "PK_4b2f2cb5e365170f5118fe076a5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_return_submissions_number" ON "return_submissions"  ("return_id", "number") `,
    );
    await queryRunner.query(
      `CREATE TABLE "return_spend_lines" ("submission_id" uuid NOT NULL, "financial_year" text NOT NULL, "kind" text NOT NULL, "claimed_pence" bigint NOT NULL, "approved_pence" bigint, CONSTRAINT "ck_return_spend_lines_approved" CHECK ("approved_pence" IS NULL OR ("approved_pence" >= 0 AND "approved_pence" <= "claimed_pence")), CONSTRAINT "ck_return_spend_lines_claimed" CHECK ("claimed_pence" > 0), CONSTRAINT "ck_return_spend_lines_kind" CHECK ("kind" IN ('capital', 'revenue')), CONSTRAINT "PK_3d05c4dbf52732496502f86310c" PRIMARY KEY ("submission_id", "financial_year", "kind"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "year_end_releases" ("award_id" uuid NOT NULL, "financial_year" text NOT NULL, "kind" text NOT NULL, "amount_pence" bigint NOT NULL, "released_at" TIMESTAMP WITH TIME ZONE NOT NULL, "return_id" uuid NOT NULL, CONSTRAINT "ck_year_end_releases_amount" CHECK ("amount_pence" > 0), CONSTRAINT "ck_year_end_releases_kind" CHECK ("kind" IN ('capital', 'revenue')), CONSTRAINT "PK_27db7eb14f91a2f4df3f2ff6e42" PRIMARY KEY ("award_id", "financial_year", "kind"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "funding_rounds" ADD "variance_threshold_percent" integer NOT NULL DEFAULT '10'`,
    );
    await queryRunner.query(
      `ALTER TABLE "funding_rounds" ADD "payment_days" integer NOT NULL DEFAULT '30'`,
    );
    await queryRunner.query(
      `ALTER TABLE "delivery_returns" ADD "draft" jsonb NOT NULL DEFAULT '{}'`,
    );
    await queryRunner.query(
      `ALTER TABLE "delivery_returns" ADD "submissions" integer NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "return_payments" ADD CONSTRAINT "FK_c68879d4f12688f9fc3e0cf4dfa" FOREIGN KEY ("return_id") REFERENCES "delivery_returns"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "return_payments" ADD CONSTRAINT "FK_049fd02c8bc3fbd47126a28880d" FOREIGN KEY ("award_id") REFERENCES "award_decisions"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "return_submissions" ADD CONSTRAINT "FK_b896d43bbc60e2084f0c490eadf" FOREIGN KEY ("return_id") REFERENCES "delivery_returns"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "return_spend_lines" ADD CONSTRAINT "FK_c2c8cd86ed86e38d78cdf9a284b" FOREIGN KEY ("submission_id") REFERENCES "return_submissions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "year_end_releases" ADD CONSTRAINT "FK_99d4f8e0947d44027df7b49ea45" FOREIGN KEY ("award_id") REFERENCES "award_decisions"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    // Whatever code runs: a sent return's draft stays as sent until finance sends it back, an
    // approved one never changes again; a submission's content is fixed and its review written
    // once; spend lines are fixed but for the approved amount, set once; a payment made stays made.
    await queryRunner.query(`
      CREATE FUNCTION delivery_returns_refuse_frozen_edit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status IN ('submitted', 'approved') AND NEW.draft IS DISTINCT FROM OLD.draft THEN
          RAISE EXCEPTION 'return % is %, and its content cannot change', OLD.id, OLD.status
            USING ERRCODE = 'check_violation';
        END IF;
        IF OLD.status IN ('approved', 'cancelled') AND NEW.status <> OLD.status THEN
          RAISE EXCEPTION 'return % is %, which is final', OLD.id, OLD.status
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER delivery_returns_frozen BEFORE UPDATE ON delivery_returns
      FOR EACH ROW EXECUTE FUNCTION delivery_returns_refuse_frozen_edit()`);
    await queryRunner.query(`
      CREATE FUNCTION return_submissions_refuse_edit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'return submissions are kept' USING ERRCODE = 'check_violation';
        END IF;
        IF (NEW.return_id, NEW.number, NEW.content, NEW.submitted_at, NEW.submitted_by)
           IS DISTINCT FROM (OLD.return_id, OLD.number, OLD.content, OLD.submitted_at, OLD.submitted_by)
           OR (OLD.outcome IS NOT NULL AND
               (NEW.outcome, NEW.review_comment, NEW.reviewed_at, NEW.reviewed_by, NEW.payable_pence)
               IS DISTINCT FROM
               (OLD.outcome, OLD.review_comment, OLD.reviewed_at, OLD.reviewed_by, OLD.payable_pence)) THEN
          RAISE EXCEPTION 'submission % of return % cannot change once sent and reviewed', OLD.number, OLD.return_id
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER return_submissions_kept BEFORE UPDATE OR DELETE ON return_submissions
      FOR EACH ROW EXECUTE FUNCTION return_submissions_refuse_edit()`);
    await queryRunner.query(`
      CREATE FUNCTION return_spend_lines_refuse_edit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- A line joins its submission while that is being sent, never later.
        IF TG_OP = 'INSERT' THEN
          IF EXISTS (
            SELECT 1 FROM return_submissions s JOIN delivery_returns d ON d.id = s.return_id
            WHERE s.id = NEW.submission_id
              AND (s.outcome IS NOT NULL OR d.status IN ('submitted', 'approved', 'cancelled'))
          ) THEN
            RAISE EXCEPTION 'submission % was sent already; its spend lines cannot change', NEW.submission_id
              USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' OR (NEW.submission_id, NEW.financial_year, NEW.kind, NEW.claimed_pence)
             IS DISTINCT FROM (OLD.submission_id, OLD.financial_year, OLD.kind, OLD.claimed_pence)
           OR (OLD.approved_pence IS NOT NULL AND NEW.approved_pence IS DISTINCT FROM OLD.approved_pence) THEN
          RAISE EXCEPTION 'a submitted spend line cannot change' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER return_spend_lines_kept BEFORE INSERT OR UPDATE OR DELETE ON return_spend_lines
      FOR EACH ROW EXECUTE FUNCTION return_spend_lines_refuse_edit()`);
    await queryRunner.query(`
      CREATE FUNCTION year_end_releases_refuse_edit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'a year-end release is a record; it cannot change or be removed'
          USING ERRCODE = 'check_violation';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER year_end_releases_kept BEFORE UPDATE OR DELETE ON year_end_releases
      FOR EACH ROW EXECUTE FUNCTION year_end_releases_refuse_edit()`);
    await queryRunner.query(`
      CREATE FUNCTION return_payments_refuse_edit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR OLD.status = 'made'
           OR (NEW.return_id, NEW.award_id, NEW.amount_pence) IS DISTINCT FROM (OLD.return_id, OLD.award_id, OLD.amount_pence) THEN
          RAISE EXCEPTION 'payment % cannot change once made, nor its amount ever', OLD.id
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER return_payments_kept BEFORE UPDATE OR DELETE ON return_payments
      FOR EACH ROW EXECUTE FUNCTION return_payments_refuse_edit()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, trigger, fn] of [
      ['year_end_releases', 'year_end_releases_kept', 'year_end_releases_refuse_edit'],
      ['return_payments', 'return_payments_kept', 'return_payments_refuse_edit'],
      ['return_spend_lines', 'return_spend_lines_kept', 'return_spend_lines_refuse_edit'],
      ['return_submissions', 'return_submissions_kept', 'return_submissions_refuse_edit'],
      ['delivery_returns', 'delivery_returns_frozen', 'delivery_returns_refuse_frozen_edit'],
    ]) {
      await queryRunner.query(`DROP TRIGGER ${trigger} ON ${table}`);
      await queryRunner.query(`DROP FUNCTION ${fn}()`);
    }
    await queryRunner.query(
      `ALTER TABLE "year_end_releases" DROP CONSTRAINT "FK_99d4f8e0947d44027df7b49ea45"`,
    );
    await queryRunner.query(
      `ALTER TABLE "return_spend_lines" DROP CONSTRAINT "FK_c2c8cd86ed86e38d78cdf9a284b"`,
    );
    await queryRunner.query(
      `ALTER TABLE "return_submissions" DROP CONSTRAINT "FK_b896d43bbc60e2084f0c490eadf"`,
    );
    await queryRunner.query(
      `ALTER TABLE "return_payments" DROP CONSTRAINT "FK_049fd02c8bc3fbd47126a28880d"`,
    );
    await queryRunner.query(
      `ALTER TABLE "return_payments" DROP CONSTRAINT "FK_c68879d4f12688f9fc3e0cf4dfa"`,
    );
    await queryRunner.query(`ALTER TABLE "delivery_returns" DROP COLUMN "submissions"`);
    await queryRunner.query(`ALTER TABLE "delivery_returns" DROP COLUMN "draft"`);
    await queryRunner.query(`ALTER TABLE "funding_rounds" DROP COLUMN "payment_days"`);
    await queryRunner.query(
      `ALTER TABLE "funding_rounds" DROP COLUMN "variance_threshold_percent"`,
    );
    await queryRunner.query(`DROP TABLE "year_end_releases"`);
    await queryRunner.query(`DROP TABLE "return_spend_lines"`);
    await queryRunner.query(`DROP INDEX "public"."uq_return_submissions_number"`);
    await queryRunner.query(`DROP TABLE "return_submissions"`);
    await queryRunner.query(`DROP INDEX "public"."uq_return_payments_return"`);
    await queryRunner.query(`DROP INDEX "public"."ix_return_payments_status"`);
    await queryRunner.query(`DROP INDEX "public"."ix_return_payments_award"`);
    await queryRunner.query(`DROP TABLE "return_payments"`);
  }
}
