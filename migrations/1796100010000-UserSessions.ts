import { MigrationInterface, QueryRunner } from 'typeorm';

// Signed-in sessions with rotating refresh tokens (stored as SHA-256 hashes), and the spent
// tokens of each, by which a copied token shown again is recognised. Tokens issued before this
// carry no session and are refused: everyone signs in again once.
export class UserSessions1796100010000 implements MigrationInterface {
  name = 'UserSessions1796100010000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "user_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "method" text NOT NULL, "token_version" integer NOT NULL, "refresh_token_hash" text NOT NULL, "device_label" text, "address" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, "end_reason" text, CONSTRAINT "UQ_cc132fa5f7a96610010e293e526" UNIQUE ("refresh_token_hash"), CONSTRAINT "ck_user_sessions_ended" CHECK (("ended_at" IS NULL) = ("end_reason" IS NULL)), CONSTRAINT "ck_user_sessions_end_reason" CHECK ("end_reason" IN ('logout', 'ended-by-user', 'ended-by-admin', 'refresh-token-reused')), CONSTRAINT "ck_user_sessions_method" CHECK ("method" IN ('password', 'second-factor', 'sso')), CONSTRAINT "PK_e93e031a5fed190d4789b6bfd83" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_user_sessions_user" ON "user_sessions" ("user_id", "last_used_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "user_session_spent_tokens" ("token_hash" text NOT NULL, "session_id" uuid NOT NULL, "spent_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b8ccbc897b8fab258f86b6a6141" PRIMARY KEY ("token_hash"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_user_session_spent_tokens_session" ON "user_session_spent_tokens" ("session_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "user_sessions" ADD CONSTRAINT "FK_e9658e959c490b0a634dfc54783" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "user_session_spent_tokens" ADD CONSTRAINT "FK_5efd65f0d72fed44829e774bf1c" FOREIGN KEY ("session_id") REFERENCES "user_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "user_session_spent_tokens" DROP CONSTRAINT "FK_5efd65f0d72fed44829e774bf1c"`,
    );
    await queryRunner.query(
      `ALTER TABLE "user_sessions" DROP CONSTRAINT "FK_e9658e959c490b0a634dfc54783"`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_user_session_spent_tokens_session"`);
    await queryRunner.query(`DROP TABLE "user_session_spent_tokens"`);
    await queryRunner.query(`DROP INDEX "public"."ix_user_sessions_user"`);
    await queryRunner.query(`DROP TABLE "user_sessions"`);
  }
}
