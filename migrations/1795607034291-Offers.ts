import { MigrationInterface, QueryRunner } from 'typeorm';

export class Offers1795607034291 implements MigrationInterface {
  name = 'Offers1795607034291';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "delivery_returns" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "award_id" uuid NOT NULL, "organisation_id" uuid NOT NULL, "financial_year" text NOT NULL, "quarter" integer NOT NULL, "period_starts_on" date NOT NULL, "period_ends_on" date NOT NULL, "due_on" date NOT NULL, "status" text NOT NULL DEFAULT 'upcoming', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ck_delivery_returns_due" CHECK ("due_on" > "period_ends_on"), CONSTRAINT "ck_delivery_returns_period" CHECK ("period_ends_on" > "period_starts_on"), CONSTRAINT "ck_delivery_returns_quarter" CHECK ("quarter" BETWEEN 1 AND 4), CONSTRAINT "ck_delivery_returns_status" CHECK ("status" IN ('upcoming', 'due', 'submitted', 'approved', 'changes_requested', 'cancelled')), CONSTRAINT "PK_02c1d714a509fae767712c6fbc3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_delivery_returns_organisation" ON "delivery_returns"  ("organisation_id", "due_on") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_delivery_returns_quarter" ON "delivery_returns"  ("award_id", "financial_year", "quarter") `,
    );
    await queryRunner.query(
      `ALTER TABLE "funding_rounds" ADD "offer_acceptance_days" integer NOT NULL DEFAULT '28'`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" ADD "published_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" ADD "offer_expires_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" ADD "accepted_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(`ALTER TABLE "award_decisions" ADD "accepted_by" uuid`);
    await queryRunner.query(`ALTER TABLE "award_decisions" ADD "signatory_name" text`);
    await queryRunner.query(`ALTER TABLE "award_decisions" ADD "signatory_position" text`);
    await queryRunner.query(
      `ALTER TABLE "award_decisions" ADD "closed_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(`ALTER TABLE "award_decisions" ADD "closed_by" uuid`);
    await queryRunner.query(`ALTER TABLE "award_decisions" ADD "close_reason" text`);
    await queryRunner.query(
      `ALTER TABLE "award_decisions" ADD CONSTRAINT "ck_award_decisions_offer" CHECK ("published_at" IS NULL OR "outcome" = 'reject' OR "offer_expires_at" > "published_at")`,
    );
    // Awards the earlier trigger withdrew (their bid was withdrawn) get when and why.
    await queryRunner.query(
      `UPDATE award_decisions d
          SET closed_at = d.updated_at,
              close_reason = 'The bid was withdrawn: ' || coalesce(b.withdrawal_reason, 'no reason given')
         FROM bids b
        WHERE b.id = d.bid_id AND d.status IN ('withdrawn', 'declined') AND d.closed_at IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" ADD CONSTRAINT "ck_award_decisions_closed" CHECK ("status" NOT IN ('declined', 'withdrawn') OR ("closed_at" IS NOT NULL AND length(btrim("close_reason")) > 0))`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" ADD CONSTRAINT "ck_award_decisions_accepted" CHECK ("status" NOT IN ('accepted', 'active', 'completed') OR ("accepted_at" IS NOT NULL AND "accepted_by" IS NOT NULL AND length(btrim("signatory_name")) > 0))`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" ADD CONSTRAINT "FK_8b47a6f11a16444de1b96806a05" FOREIGN KEY ("accepted_by") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" ADD CONSTRAINT "FK_5bed64e3c23380bb5f3c7aa5663" FOREIGN KEY ("closed_by") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "delivery_returns" ADD CONSTRAINT "FK_ee6dd1b7c38b9b26ed4134fe3d5" FOREIGN KEY ("award_id") REFERENCES "award_decisions"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "delivery_returns" ADD CONSTRAINT "FK_0c95344bb18c02917fb9cf7f622" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    // A bid leaving the competition before outcomes (withdrawn by its bidder, or failed on
    // eligibility after a decision) releases its award with the reason, whatever code runs.
    await queryRunner.query(`DROP TRIGGER bids_release_awards ON bids`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION bids_release_awards() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE award_decisions
           SET status = 'withdrawn', updated_at = now(), version = version + 1,
               closed_at = now(),
               close_reason = CASE NEW.status
                 WHEN 'withdrawn' THEN 'The bid was withdrawn: ' || coalesce(NEW.withdrawal_reason, 'no reason given')
                 ELSE 'The bid failed eligibility: ' || coalesce(NEW.eligibility_failure_reason, 'no reason given')
               END
         WHERE bid_id = NEW.id
           AND status IN ('pending_second_approval', 'offered', 'accepted', 'active');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER bids_release_awards AFTER UPDATE OF status ON bids
      FOR EACH ROW WHEN (NEW.status IN ('withdrawn', 'eligibility_failed') AND OLD.status <> NEW.status)
      EXECUTE FUNCTION bids_release_awards()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER bids_release_awards ON bids`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION bids_release_awards() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await queryRunner.query(
      `ALTER TABLE "delivery_returns" DROP CONSTRAINT "FK_0c95344bb18c02917fb9cf7f622"`,
    );
    await queryRunner.query(
      `ALTER TABLE "delivery_returns" DROP CONSTRAINT "FK_ee6dd1b7c38b9b26ed4134fe3d5"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" DROP CONSTRAINT "FK_5bed64e3c23380bb5f3c7aa5663"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" DROP CONSTRAINT "FK_8b47a6f11a16444de1b96806a05"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" DROP CONSTRAINT "ck_award_decisions_accepted"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" DROP CONSTRAINT "ck_award_decisions_closed"`,
    );
    await queryRunner.query(
      `ALTER TABLE "award_decisions" DROP CONSTRAINT "ck_award_decisions_offer"`,
    );
    await queryRunner.query(`ALTER TABLE "award_decisions" DROP COLUMN "close_reason"`);
    await queryRunner.query(`ALTER TABLE "award_decisions" DROP COLUMN "closed_by"`);
    await queryRunner.query(`ALTER TABLE "award_decisions" DROP COLUMN "closed_at"`);
    await queryRunner.query(`ALTER TABLE "award_decisions" DROP COLUMN "signatory_position"`);
    await queryRunner.query(`ALTER TABLE "award_decisions" DROP COLUMN "signatory_name"`);
    await queryRunner.query(`ALTER TABLE "award_decisions" DROP COLUMN "accepted_by"`);
    await queryRunner.query(`ALTER TABLE "award_decisions" DROP COLUMN "accepted_at"`);
    await queryRunner.query(`ALTER TABLE "award_decisions" DROP COLUMN "offer_expires_at"`);
    await queryRunner.query(`ALTER TABLE "award_decisions" DROP COLUMN "published_at"`);
    await queryRunner.query(`ALTER TABLE "funding_rounds" DROP COLUMN "offer_acceptance_days"`);
    await queryRunner.query(`DROP INDEX "public"."uq_delivery_returns_quarter"`);
    await queryRunner.query(`DROP INDEX "public"."ix_delivery_returns_organisation"`);
    await queryRunner.query(`DROP TABLE "delivery_returns"`);
  }
}
