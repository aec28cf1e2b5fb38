import { MigrationInterface, QueryRunner } from 'typeorm';

// Each kept award also keeps the days its owed returns were due (`owed_due_on`, in order; NULL
// for an award without quarter lines), so an export counts its overdue returns as at a moment
// from them instead of from every quarter line (spend-facts.sql.ts, AWARD_OVERDUE). Awards kept
// before now have no such days: what was kept is removed, and every award is worked out as before
// until it is kept afresh (after the next export of its round, or at the nightly sweep).
export class SpendCacheOwedDays1796250000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "spend_cache_awards" ADD "owed_due_on" date[]');
    for (const table of ['quarters', 'years', 'awards']) {
      await queryRunner.query(`DELETE FROM "spend_cache_${table}"`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "spend_cache_awards" DROP COLUMN "owed_due_on"');
  }
}
