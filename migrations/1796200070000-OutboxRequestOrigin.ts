import { MigrationInterface, QueryRunner } from 'typeorm';

// An email's outbox row remembers the request (X-Request-Id) and trace (W3C traceparent) that
// wrote it, so the job the relay later queues logs and traces under them.
export class OutboxRequestOrigin1796200070000 implements MigrationInterface {
  name = 'OutboxRequestOrigin1796200070000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "email_outbox" ADD "request_id" text`);
    await queryRunner.query(`ALTER TABLE "email_outbox" ADD "traceparent" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "email_outbox" DROP COLUMN "traceparent"`);
    await queryRunner.query(`ALTER TABLE "email_outbox" DROP COLUMN "request_id"`);
  }
}
