import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Organisation } from '../organisations/organisation.entity';
import { User } from '../users/user.entity';
import type { DueDiligenceRating } from './award.rules';

// A due-diligence result for an organisation (company, charity and credit checks rated red,
// amber or green). The latest by check date, then recording time, is the one that counts.
@Entity('due_diligence_checks')
@Check('ck_due_diligence_rating', `"rating" IN ('red', 'amber', 'green')`)
@Index('ix_due_diligence_organisation', ['organisationId', 'checkedOn', 'recordedAt'])
export class DueDiligenceCheck {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  organisationId: string;

  @ManyToOne(() => Organisation)
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  @Column({ type: 'text' })
  rating: DueDiligenceRating;

  @Column({ type: 'date' })
  checkedOn: string;

  @Column({ type: 'text' })
  notes: string;

  @Column({ type: 'uuid' })
  recordedBy: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'recorded_by' })
  recorder?: User;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;
}
