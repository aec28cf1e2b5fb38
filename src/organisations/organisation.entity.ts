import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { PoliceForceArea } from './police-force-area.entity';

export const ORGANISATION_TYPES = ['pcc', 'local_authority', 'btp', 'cso'] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

@Entity('organisations')
@Check('ck_organisations_type', `"type" IN ('pcc', 'local_authority', 'btp', 'cso')`)
// British Transport Police covers the rail network, not one force area; everyone else has one.
@Check('ck_organisations_force_area', `"type" = 'btp' OR "force_area_code" IS NOT NULL`)
@Index('uq_organisations_one_pcc_per_area', ['forceAreaCode'], {
  unique: true,
  where: `"type" = 'pcc'`,
})
export class Organisation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  name: string;

  @Column({ type: 'text' })
  type: OrganisationType;

  @Column({ type: 'text', nullable: true })
  forceAreaCode: string | null;

  @ManyToOne(() => PoliceForceArea, { nullable: true })
  @JoinColumn({ name: 'force_area_code' })
  forceArea?: PoliceForceArea | null;

  @Column({ type: 'text', nullable: true })
  companyNumber: string | null;

  @Column({ type: 'text', nullable: true })
  charityNumber: string | null;

  // ONS GSS code of a local authority (E06…, E07…, E08…, E09…, W06…) or a PFA (E23…, W15…).
  @Column({ type: 'text', nullable: true })
  gssCode: string | null;

  @Column({ type: 'text', nullable: true })
  website: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
