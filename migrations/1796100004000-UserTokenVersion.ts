import { MigrationInterface, QueryRunner } from 'typeorm';

// A per-user token version, carried in every token: bumping it ends all of the user's sessions.
export class UserTokenVersion1796100004000 implements MigrationInterface {
  name = 'UserTokenVersion1796100004000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "token_version" integer NOT NULL DEFAULT '0'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "token_version"`);
  }
}
