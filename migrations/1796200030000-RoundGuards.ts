import { MigrationInterface, QueryRunner } from 'typeorm';

// The money of a closed-out round never changes again, whatever code path tries it: a row's
// money and status columns are frozen once its award's round is closed out, and no such row is
// added or removed. Other columns (names, free text) stay writable so personal data can still
// be anonymised. A later table joins with one line:
//   CREATE TRIGGER <table>_closed_out_money BEFORE INSERT OR UPDATE OR DELETE ON <table>
//   FOR EACH ROW EXECUTE FUNCTION refuse_closed_out_money_change('award:award_id', 'amount_pence', 'status');
// The first argument says how the row leads to its round: `round:<column>` (the round's id),
// `award:<column>`, `return:<column>` or `submission:<column>`; the rest name the frozen
// columns (none: the whole row is money).
const CLOSED_OUT_MONEY: readonly (readonly [string, string, ...string[]])[] = [
  ['award_decisions', 'round:round_id', 'status', 'amount_pence', 'outcome'],
  ['award_lines', 'award:decision_id'],
  ['delivery_returns', 'award:award_id', 'status', 'submissions'],
  ['return_submissions', 'return:return_id', 'outcome', 'payable_pence'],
  ['return_spend_lines', 'submission:submission_id'],
  ['return_payments', 'award:award_id', 'status', 'amount_pence', 'paid_on', 'due_on'],
  ['year_end_releases', 'award:award_id'],
];

export class RoundGuards1796200030000 implements MigrationInterface {
  name = 'RoundGuards1796200030000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "funding_rounds" ADD "historic" boolean NOT NULL DEFAULT false`,
    );
    await queryRunner.query(`
      CREATE FUNCTION refuse_closed_out_money_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
        new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
        link text := split_part(TG_ARGV[0], ':', 1);
        link_column text := split_part(TG_ARGV[0], ':', 2);
        frozen text[] := TG_ARGV[1:];
        linked_id uuid;
        round_code text;
        seen jsonb;
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          IF cardinality(frozen) = 0 THEN
            IF old_row = new_row THEN RETURN NEW; END IF;
          ELSIF NOT EXISTS (
            SELECT 1 FROM unnest(frozen) AS c(name) WHERE old_row -> c.name IS DISTINCT FROM new_row -> c.name
          ) THEN
            RETURN NEW;
          END IF;
        END IF;
        FOREACH seen IN ARRAY ARRAY[old_row, new_row] LOOP
          CONTINUE WHEN seen IS NULL;
          linked_id := (seen ->> link_column)::uuid;
          SELECT r.code INTO round_code FROM funding_rounds r WHERE r.status = 'closed_out' AND r.id = CASE link
            WHEN 'round' THEN linked_id
            WHEN 'award' THEN (SELECT a.round_id FROM award_decisions a WHERE a.id = linked_id)
            WHEN 'return' THEN (
              SELECT a.round_id FROM delivery_returns d JOIN award_decisions a ON a.id = d.award_id
              WHERE d.id = linked_id)
            WHEN 'submission' THEN (
              SELECT a.round_id FROM return_submissions s
              JOIN delivery_returns d ON d.id = s.return_id JOIN award_decisions a ON a.id = d.award_id
              WHERE s.id = linked_id)
          END;
          IF round_code IS NOT NULL THEN
            RAISE EXCEPTION 'round % is closed out: % of % is not allowed (its money and statuses are final)',
              round_code, TG_OP, TG_TABLE_NAME USING ERRCODE = 'check_violation';
          END IF;
        END LOOP;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    for (const [table, link, ...frozen] of CLOSED_OUT_MONEY) {
      const args = [link, ...frozen].map((arg) => `'${arg}'`).join(', ');
      await queryRunner.query(
        `CREATE TRIGGER ${table}_closed_out_money BEFORE INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_closed_out_money_change(${args})`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table] of CLOSED_OUT_MONEY) {
      await queryRunner.query(`DROP TRIGGER ${table}_closed_out_money ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION refuse_closed_out_money_change()`);
    await queryRunner.query(`ALTER TABLE "funding_rounds" DROP COLUMN "historic"`);
  }
}
