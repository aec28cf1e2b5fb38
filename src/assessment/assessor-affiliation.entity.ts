import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Organisation } from '../organisations/organisation.entity';
import { PoliceForceArea } from '../organisations/police-force-area.entity';
import { User } from '../users/user.entity';

// A tie an assessor declares (past employment, a family member, a board seat): they are never
// given a bid from that organisation or, for a force area, from anywhere in it.
@Entity('assessor_affiliations')
@Check(
  'ck_assessor_affiliations_one_target',
  `("organisation_id" IS NULL) <> ("force_area_code" IS NULL)`,
)
@Index('uq_assessor_affiliations_organisation', ['assessorId', 'organisationId'], {
  unique: true,
  where: `"organisation_id" IS NOT NULL`,
})
@Index('uq_assessor_affiliations_area', ['assessorId', 'forceAreaCode'], {
  unique: true,
  where: `"force_area_code" IS NOT NULL`,
})
export class AssessorAffiliation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  assessorId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'assessor_id' })
  assessor?: User;

  @Column({ type: 'uuid', nullable: true })
  organisationId: string | null;

  @ManyToOne(() => Organisation)
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation | null;

  @Column({ type: 'text', nullable: true })
  forceAreaCode: string | null;

  @ManyToOne(() => PoliceForceArea)
  @JoinColumn({ name: 'force_area_code' })
  forceArea?: PoliceForceArea | null;

  @Column({ type: 'text', default: '' })
  note: string;

  @CreateDateColumn({ type: 'timestamptz' })
  declaredAt: Date;
}
