import { MigrationInterface, QueryRunner } from 'typeorm';

// A counter row per round for bid references, so numbering a draft no longer locks the round's
// row (which every draft in the round then queued behind). Rounds with bids start from their
// highest number; a round without bids gets its row from its first draft.
export class RoundReferenceCounters1796203689416 implements MigrationInterface {
  name = 'RoundReferenceCounters1796203689416';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "round_reference_counters" ("round_id" uuid NOT NULL, "last_number" integer NOT NULL, CONSTRAINT "PK_db3303d119a283aa84e5731305c" PRIMARY KEY ("round_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "round_reference_counters" ADD CONSTRAINT "FK_db3303d119a283aa84e5731305c" FOREIGN KEY ("round_id") REFERENCES "funding_rounds"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `INSERT INTO round_reference_counters (round_id, last_number)
       SELECT round_id, max(number) FROM bids GROUP BY round_id`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "round_reference_counters" DROP CONSTRAINT "FK_db3303d119a283aa84e5731305c"`,
    );
    await queryRunner.query(`DROP TABLE "round_reference_counters"`);
  }
}
