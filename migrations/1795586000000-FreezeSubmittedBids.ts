import { MigrationInterface, QueryRunner } from 'typeorm';

// What was submitted is what is assessed: once a bid leaves draft, the database itself refuses
// any change to what the bidder wrote, whatever code path tries it.
export class FreezeSubmittedBids1795586000000 implements MigrationInterface {
  name = 'FreezeSubmittedBids1795586000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION bids_refuse_frozen_edit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status <> 'draft' AND (
          NEW.title, NEW.summary, NEW.target_lsoas, NEW.problem_profile, NEW.primary_crime_type,
          NEW.secondary_crime_types, NEW.theory_of_change, NEW.partners, NEW.consultation,
          NEW.milestones, NEW.risks, NEW.evaluation_approach, NEW.requested_pence,
          NEW.match_funding_pence, NEW.round_id, NEW.organisation_id, NEW.reference
        ) IS DISTINCT FROM (
          OLD.title, OLD.summary, OLD.target_lsoas, OLD.problem_profile, OLD.primary_crime_type,
          OLD.secondary_crime_types, OLD.theory_of_change, OLD.partners, OLD.consultation,
          OLD.milestones, OLD.risks, OLD.evaluation_approach, OLD.requested_pence,
          OLD.match_funding_pence, OLD.round_id, OLD.organisation_id, OLD.reference
        ) THEN
          RAISE EXCEPTION 'bid % is %, and its submitted content cannot change', OLD.reference, OLD.status
            USING ERRCODE = 'check_violation';
        END IF;
        IF OLD.status <> 'draft' AND NEW.status = 'draft' THEN
          RAISE EXCEPTION 'bid % cannot go back to draft', OLD.reference
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER bids_frozen_after_submission BEFORE UPDATE ON bids
      FOR EACH ROW EXECUTE FUNCTION bids_refuse_frozen_edit()`);
    await queryRunner.query(`
      CREATE FUNCTION bid_lines_refuse_frozen_edit() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        line_bid uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.bid_id ELSE NEW.bid_id END;
        bid_status text;
      BEGIN
        SELECT status INTO bid_status FROM bids WHERE id = line_bid;
        IF bid_status IS NOT NULL AND bid_status <> 'draft' THEN
          RAISE EXCEPTION 'bid % is %, and its lines cannot change', line_bid, bid_status
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    for (const table of ['bid_cost_lines', 'bid_match_funding', 'bid_interventions']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_frozen_after_submission BEFORE INSERT OR UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION bid_lines_refuse_frozen_edit()`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['bid_cost_lines', 'bid_match_funding', 'bid_interventions']) {
      await queryRunner.query(`DROP TRIGGER ${table}_frozen_after_submission ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION bid_lines_refuse_frozen_edit()`);
    await queryRunner.query(`DROP TRIGGER bids_frozen_after_submission ON bids`);
    await queryRunner.query(`DROP FUNCTION bids_refuse_frozen_edit()`);
  }
}
