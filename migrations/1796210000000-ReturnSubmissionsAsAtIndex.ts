import { MigrationInterface, QueryRunner } from 'typeorm';

// Each return's latest submission sent by a moment, for the spend reports, answered from the
// index alone: the submission's number with when it was sent, its review and its id beside it.
// Read for every return of a round, the submission rows (with their content) cost the export of
// a 1,000,000-line round about 1.4 s of its query's 5 s building the returns.
export class ReturnSubmissionsAsAtIndex1796210000000 implements MigrationInterface {
  name = 'ReturnSubmissionsAsAtIndex1796210000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "ix_return_submissions_as_at" ON "return_submissions" ("return_id", "number") INCLUDE ("submitted_at", "outcome", "reviewed_at", "id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_return_submissions_as_at"`);
  }
}
