import { MigrationInterface, QueryRunner } from 'typeorm';

// Variations arrived beside the close-out freeze (1796200030000-RoundGuards): once an award's
// round is closed out, no variation is added, removed, or changes its status or figures. Its
// reason and refusal reason stay writable, as free text may need anonymising.
export class VariationsFrozenAfterCloseOut1796200060000 implements MigrationInterface {
  name = 'VariationsFrozenAfterCloseOut1796200060000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TRIGGER award_variations_closed_out_money BEFORE INSERT OR UPDATE OR DELETE ON award_variations FOR EACH ROW EXECUTE FUNCTION refuse_closed_out_money_change('award:award_id', 'status', 'profile', 'amount_pence', 'delivery_ends_on', 'output_targets', 'approved_at', 'profile_before', 'lines_before', 'delivery_ends_on_before', 'amount_pence_before')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER award_variations_closed_out_money ON award_variations`);
  }
}
