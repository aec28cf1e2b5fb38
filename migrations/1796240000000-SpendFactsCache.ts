import { MigrationInterface, QueryRunner } from 'typeorm';

// Each accepted award's spend facts, worked out once and kept (src/reports/spend-cache.sql.ts):
// its quarter lines, its year lines (each with the text of its own fields in the CSV, and the
// version of the CSV they were written for) and its totals, as the spend facts give them as at any
// moment from `holds_from` (the latest moment any of its figures changed) on. Every change to
// what the facts are read from leaves a mark for the award (`spend_cache_marks`, one per award
// and transaction), written in the changing transaction by the triggers below; an award with a
// mark is worked out afresh (its kept facts are not read until then), and a refresh removes
// only the marks its own snapshot saw. Nothing here holds personal data.
//
// What the triggers watch: the columns SPEND_FACTS reads of each table. An audit event counts
// only for an award completed (award.complete).
const WATCHED: { table: string; award: string; columns?: string[]; when?: string }[] = [
  {
    table: 'award_decisions',
    award: 'r.id',
    columns: ['round_id', 'bid_id', 'outcome', 'status', 'accepted_at', 'closed_at'],
  },
  { table: 'award_lines', award: 'r.decision_id' },
  {
    table: 'award_variations',
    award: 'r.award_id',
    columns: ['award_id', 'status', 'approved_at', 'profile', 'profile_before'],
  },
  {
    table: 'delivery_returns',
    award: 'r.award_id',
    columns: ['award_id', 'financial_year', 'quarter', 'due_on', 'period_starts_on'],
  },
  {
    table: 'return_submissions',
    award: '(SELECT d.award_id FROM delivery_returns d WHERE d.id = r.return_id)',
    columns: ['return_id', 'number', 'content', 'submitted_at', 'outcome', 'reviewed_at'],
  },
  {
    table: 'return_spend_lines',
    award: `(SELECT d.award_id FROM return_submissions s
             JOIN delivery_returns d ON d.id = s.return_id WHERE s.id = r.submission_id)`,
  },
  {
    table: 'return_payments',
    award: 'r.award_id',
    columns: ['return_id', 'award_id', 'status', 'recorded_at'],
  },
  { table: 'year_end_releases', award: 'r.award_id' },
];

export class SpendFactsCache1796240000000 implements MigrationInterface {
  name = 'SpendFactsCache1796240000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const money = (columns: string[]) => columns.map((column) => `"${column}" bigint`).join(', ');
    await queryRunner.query(`
      CREATE TABLE "spend_cache_awards" (
        "award_id" uuid NOT NULL PRIMARY KEY, "round_id" uuid NOT NULL,
        "holds_from" TIMESTAMP WITH TIME ZONE NOT NULL,
        ${money(['awarded', 'claimed', 'approved', 'paid', 'forecast', 'released', 'remaining'])},
        "csv_version" text NOT NULL,
        "refreshed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now())`);
    await queryRunner.query(
      `CREATE INDEX "ix_spend_cache_awards_round" ON "spend_cache_awards" ("round_id")`,
    );
    await queryRunner.query(`
      CREATE TABLE "spend_cache_years" (
        "award_id" uuid NOT NULL, "financial_year" text NOT NULL, "kind" text NOT NULL,
        ${money(['awarded', 'claimed', 'approved', 'paid', 'forecast', 'released'])},
        "csv_version" text NOT NULL, "csv_text" text NOT NULL,
        PRIMARY KEY ("award_id", "financial_year", "kind"))`);
    const quarterMoney = ['capital', 'revenue'].flatMap((kind) =>
      ['claimed', 'approved', 'paid', 'forecast'].map((measure) => `${measure}_${kind}`),
    );
    await queryRunner.query(`
      CREATE TABLE "spend_cache_quarters" (
        "award_id" uuid NOT NULL, "return_id" uuid NOT NULL, "financial_year" text NOT NULL,
        "quarter" integer NOT NULL, "due_on" date NOT NULL,
        ${money(['profile_capital', 'profile_revenue', 'quarter_profile', ...quarterMoney])},
        "owed" boolean NOT NULL, "csv_version" text NOT NULL, "csv_text" text NOT NULL,
        PRIMARY KEY ("award_id", "return_id"))`);
    await queryRunner.query(`
      CREATE TABLE "spend_cache_marks" (
        "award_id" uuid NOT NULL, "xid" xid8 NOT NULL DEFAULT pg_current_xact_id(),
        PRIMARY KEY ("award_id", "xid"))`);
    for (const { table, award } of WATCHED) {
      await queryRunner.query(`
        CREATE FUNCTION "${table}_mark_spend"() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE r ${table};
        BEGIN
          r := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
          INSERT INTO spend_cache_marks (award_id) SELECT ${award} WHERE ${award} IS NOT NULL
          ON CONFLICT DO NOTHING;
          IF TG_OP = 'UPDATE' THEN
            r := OLD;
            INSERT INTO spend_cache_marks (award_id) SELECT ${award} WHERE ${award} IS NOT NULL
            ON CONFLICT DO NOTHING;
          END IF;
          RETURN NULL;
        END $$`);
    }
    for (const { table, columns } of WATCHED) {
      const update = columns ? `UPDATE OF ${columns.map((c) => `"${c}"`).join(', ')}` : 'UPDATE';
      await queryRunner.query(
        `CREATE TRIGGER "${table}_mark_spend" AFTER INSERT OR ${update} OR DELETE ON "${table}"
           FOR EACH ROW EXECUTE FUNCTION "${table}_mark_spend"()`,
      );
    }
    await queryRunner.query(`
      CREATE FUNCTION "audit_events_mark_spend"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO spend_cache_marks (award_id) VALUES (NEW.object_id::uuid)
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "audit_events_mark_spend" AFTER INSERT ON "audit_events" FOR EACH ROW
      WHEN (NEW.object_type = 'award_decision' AND NEW.command = 'award.complete')
      EXECUTE FUNCTION "audit_events_mark_spend"()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const { table } of [...WATCHED, { table: 'audit_events' }]) {
      await queryRunner.query(`DROP TRIGGER "${table}_mark_spend" ON "${table}"`);
      await queryRunner.query(`DROP FUNCTION "${table}_mark_spend"()`);
    }
    for (const table of ['marks', 'quarters', 'years', 'awards']) {
      await queryRunner.query(`DROP TABLE "spend_cache_${table}"`);
    }
  }
}
