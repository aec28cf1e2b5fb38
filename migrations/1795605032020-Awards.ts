import { MigrationInterface, QueryRunner } from 'typeorm';

export class Awards1795605032020 implements MigrationInterface {
  name = 'Awards1795605032020';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "award_decisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "round_id" uuid NOT NULL, "bid_id" uuid NOT NULL, "organisation_id" uuid NOT NULL, "outcome" text NOT NULL, "status" text NOT NULL, "amount_pence" bigint NOT NULL, "conditions" text array NOT NULL, "rejection_reason" text, "feedback" text, "due_diligence_acceptance" text, "decided_by" uuid NOT NULL, "decided_at" TIMESTAMP WITH TIME ZONE NOT NULL, "second_approver_id" uuid, "second_decided_at" TIMESTAMP WITH TIME ZONE, "second_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ck_award_decisions_not_confirmed" CHECK ("status" <> 'not_confirmed' OR ("second_approver_id" IS NOT NULL AND length(btrim("second_reason")) > 0)), CONSTRAINT "ck_award_decisions_second_approver" CHECK ("second_approver_id" IS NULL OR "second_approver_id" <> "decided_by"), CONSTRAINT "ck_award_decisions_shape" CHECK (("outcome" = 'reject') = ("status" = 'rejected') AND ("outcome" = 'award') = ("amount_pence" > 0) AND ("outcome" = 'award' OR (length(btrim("rejection_reason")) > 0 AND length(btrim("feedback")) > 0))), CONSTRAINT "ck_award_decisions_status" CHECK ("status" IN ('pending_second_approval', 'offered', 'accepted', 'active', 'completed', 'declined', 'withdrawn', 'not_confirmed', 'rejected')), CONSTRAINT "ck_award_decisions_outcome" CHECK ("outcome" IN ('award', 'reject')), CONSTRAINT "PK_bfcb02cc0356a66683b9547894b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_award_decisions_round_status" ON "award_decisions"  ("round_id", "status") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_award_decisions_bid" ON "award_decisions"  ("bid_id") WHERE "status" <> 'not_confirmed'`,
    );
    await queryRunner.query(
      `CREATE TABLE "award_lines" ("decision_id" uuid NOT NULL, "financial_year" text NOT NULL, "kind" text NOT NULL, "amount_pence" bigint NOT NULL, CONSTRAINT "ck_award_lines_positive" CHECK ("amount_pence" > 0), CONSTRAINT "ck_award_lines_financial_year" CHECK ("financial_year" ~ '^[0-9]{4}/[0-9]{2}$'), CONSTRAINT "ck_award_lines_kind" CHECK ("kind" IN ('capital', 'revenue')), CONSTRAINT "PK_402a9150274e35a881c39fcd944" PRIMARY KEY ("decision_id", "financial_year", "kind"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "due_diligence_checks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "rating" text NOT NULL, "checked_on" date NOT NULL, "notes" text NOT NULL, "recorded_by" uuid NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_due_diligence_rating" CHECK ("rating" IN ('red', 'amber', 'green')), CONSTRAINT "PK_26b64c86f5cf7b859ed08191e88" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_due_diligence_organisation" ON "due_diligence_checks"  ("organisation_id", "checked_on", "recorded_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" ADD CONSTRAINT "FK_fa3f1f0a5a59243c83e060f1792" FOREIGN KEY ("round_id") REFERENCES "funding_rounds"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" ADD CONSTRAINT "FK_324c1a68f7060dbe165bc244434" FOREIGN KEY ("bid_id") REFERENCES "bids"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" ADD CONSTRAINT "FK_6e605b888622d77f4f0a713e419" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" ADD CONSTRAINT "FK_1a9c5194e58550705a1efc5f3a2" FOREIGN KEY ("decided_by") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" ADD CONSTRAINT "FK_02abc1f2ffaa731d55144e2e6eb" FOREIGN KEY ("second_approver_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_lines" ADD CONSTRAINT "FK_4e9a0336e5fee5076eff58e6ded" FOREIGN KEY ("decision_id") REFERENCES "award_decisions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "due_diligence_checks" ADD CONSTRAINT "FK_bd27f62aa7801ca5052fd75f002" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "due_diligence_checks" ADD CONSTRAINT "FK_e4c2653c1885f15ba04addae81a" FOREIGN KEY ("recorded_by") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    // A bid withdrawn after its decision releases the award's money, whatever code withdrew it.
    await queryRunner.query(`
      CREATE FUNCTION bids_release_awards() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE award_decisions
           SET status = 'withdrawn', updated_at = now(), version = version + 1
         WHERE bid_id = NEW.id
           AND status IN ('pending_second_approval', 'offered', 'accepted', 'active');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER bids_release_awards AFTER UPDATE OF status ON bids
      FOR EACH ROW WHEN (NEW.status = 'withdrawn' AND OLD.status <> 'withdrawn')
      EXECUTE FUNCTION bids_release_awards()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER bids_release_awards ON bids`);
    await queryRunner.query(`DROP FUNCTION bids_release_awards()`);
    await queryRunner.query(
      `ALTER TABLE "due_diligence_checks" DROP CONSTRAINT "FK_e4c2653c1885f15ba04addae81a"`,
    );
    await queryRunner.query(
      `ALTER TABLE "due_diligence_checks" DROP CONSTRAINT "FK_bd27f62aa7801ca5052fd75f002"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_lines" DROP CONSTRAINT "FK_4e9a0336e5fee5076eff58e6ded"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" DROP CONSTRAINT "FK_02abc1f2ffaa731d55144e2e6eb"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" DROP CONSTRAINT "FK_1a9c5194e58550705a1efc5f3a2"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" DROP CONSTRAINT "FK_6e605b888622d77f4f0a713e419"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" DROP CONSTRAINT "FK_324c1a68f7060dbe165bc244434"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" DROP CONSTRAINT "FK_fa3f1f0a5a59243c83e060f1792"`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_due_diligence_organisation"`);
    await queryRunner.query(`DROP TABLE "due_diligence_checks"`);
    await queryRunner.query(`DROP TABLE "award_lines"`);
    await queryRunner.query(`DROP INDEX "public"."uq_award_decisions_bid"`);
    await queryRunner.query(`DROP INDEX "public"."ix_award_decisions_round_status"`);
    await queryRunner.query(`DROP TABLE "award_decisions"`);
  }
}
