import { MigrationInterface, QueryRunner } from 'typeorm';

// Personal data retention: a record of each run, the records whose personal data is gone (so a
// later run skips them), and two narrow exceptions for the retention service alone. Both apply
// only inside a transaction that has set `ssg.retention` to `on` (set_config(..., true): it ends
// with the transaction), which only src/retention does:
// - a submitted bid may have its personal-data columns replaced; everything else stays frozen;
// - an audit event may have its actor label and changes rewritten; its id, time, actor id,
//   command and object never change, and DELETE and TRUNCATE stay refused for everyone.
const BID_PERSONAL = [
  'summary',
  'problem_profile',
  'theory_of_change',
  'partners',
  'consultation',
  'evaluation_approach',
];
const BID_FROZEN = [
  'title',
  'target_lsoas',
  'primary_crime_type',
  'secondary_crime_types',
  'milestones',
  'risks',
  'requested_pence',
  'match_funding_pence',
  'round_id',
  'organisation_id',
  'reference',
];
const RETENTION_ON = `current_setting('ssg.retention', true) = 'on'`;
const tuple = (row: string, columns: string[]) => columns.map((c) => `${row}.${c}`).join(', ');

function bidsFunction(withRetention: boolean): string {
  const all = [...BID_FROZEN.slice(0, 4), ...BID_PERSONAL, ...BID_FROZEN.slice(4)];
  const check = (columns: string[]) =>
    `(${tuple('NEW', columns)}) IS DISTINCT FROM (${tuple('OLD', columns)})`;
  const changed = withRetention
    ? // In brackets: PL/pgSQL reads an IF's condition up to the first THEN outside them.
      `(CASE WHEN ${RETENTION_ON} THEN ${check(BID_FROZEN)} ELSE ${check(all)} END)`
    : check(all);
  return `
    CREATE OR REPLACE FUNCTION bids_refuse_frozen_edit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.status <> 'draft' AND ${changed} THEN
        RAISE EXCEPTION 'bid % is %, and its submitted content cannot change', OLD.reference, OLD.status
          USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.status <> 'draft' AND NEW.status = 'draft' THEN
        RAISE EXCEPTION 'bid % cannot go back to draft', OLD.reference
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$`;
}

const AUDIT_KEPT = ['id', 'occurred_at', 'actor_id', 'command', 'object_type', 'object_id'];

export class PersonalDataRetention1796200050000 implements MigrationInterface {
  name = 'PersonalDataRetention1796200050000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "retention_runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE NOT NULL, "as_of" TIMESTAMP WITH TIME ZONE NOT NULL, "counts" jsonb NOT NULL, CONSTRAINT "PK_80f0aec401112f8d4bad156a908" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "personal_data_erasures" ("object_type" text NOT NULL, "object_id" uuid NOT NULL, "kind" text NOT NULL, "run_id" uuid, "erased_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_105c032ae48cf6cc1fd48ec260d" PRIMARY KEY ("object_type", "object_id"))`,
    );
    await queryRunner.query(bidsFunction(true));
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION "audit_events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND ${RETENTION_ON}
           AND (${tuple('NEW', AUDIT_KEPT)}) IS NOT DISTINCT FROM (${tuple('OLD', AUDIT_KEPT)}) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION "audit_events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$`,
    );
    await queryRunner.query(bidsFunction(false));
    await queryRunner.query(`DROP TABLE "personal_data_erasures"`);
    await queryRunner.query(`DROP TABLE "retention_runs"`);
  }
}
