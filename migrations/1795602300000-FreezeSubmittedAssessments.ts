import { MigrationInterface, QueryRunner } from 'typeorm';

// A submitted assessment is final and a declared conflict stands: the database itself refuses
// to change either, or the marks of anything but a declared, unsubmitted assignment. A bid that
// leaves assessment (withdrawn, failed eligibility) cancels its unfinished assignments, whatever
// code moved it.
export class FreezeSubmittedAssessments1795602300000 implements MigrationInterface {
  name = 'FreezeSubmittedAssessments1795602300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION assignments_refuse_final_edit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status <> 'assigned' THEN
          RAISE EXCEPTION 'assignment % is %, and cannot change', OLD.id, OLD.status
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER assessment_assignments_final BEFORE UPDATE OR DELETE ON assessment_assignments
      FOR EACH ROW EXECUTE FUNCTION assignments_refuse_final_edit()`);
    await queryRunner.query(`
      CREATE FUNCTION assessment_marks_refuse_final_edit() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        mark_assignment uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.assignment_id ELSE NEW.assignment_id END;
        found_status text;
        found_declaration text;
      BEGIN
        SELECT status, declaration INTO found_status, found_declaration
          FROM assessment_assignments WHERE id = mark_assignment;
        IF found_status IS NOT NULL AND
           (found_status <> 'assigned' OR found_declaration IS DISTINCT FROM 'no_conflict') THEN
          RAISE EXCEPTION 'assignment % is % (declaration %), and its marks cannot change',
            mark_assignment, found_status, coalesce(found_declaration, 'none')
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER assessment_marks_final BEFORE INSERT OR UPDATE OR DELETE ON assessment_marks
      FOR EACH ROW EXECUTE FUNCTION assessment_marks_refuse_final_edit()`);
    await queryRunner.query(`
      CREATE FUNCTION bids_cancel_open_assignments() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE assessment_assignments
           SET status = 'cancelled', updated_at = now(), version = version + 1
         WHERE bid_id = NEW.id AND status = 'assigned';
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER bids_cancel_open_assignments AFTER UPDATE OF status ON bids
      FOR EACH ROW WHEN (OLD.status = 'in_assessment' AND NEW.status IN ('withdrawn', 'eligibility_failed'))
      EXECUTE FUNCTION bids_cancel_open_assignments()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER bids_cancel_open_assignments ON bids`);
    await queryRunner.query(`DROP FUNCTION bids_cancel_open_assignments()`);
    await queryRunner.query(`DROP TRIGGER assessment_marks_final ON assessment_marks`);
    await queryRunner.query(`DROP FUNCTION assessment_marks_refuse_final_edit()`);
    await queryRunner.query(`DROP TRIGGER assessment_assignments_final ON assessment_assignments`);
    await queryRunner.query(`DROP FUNCTION assignments_refuse_final_edit()`);
  }
}
