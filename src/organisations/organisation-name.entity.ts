import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organisation } from './organisation.entity';

// An organisation's names over time: each row the name it went by from `validFrom` until the
// next row's. Written by the database whenever an organisation is created or renamed (trigger
// organisations_keep_name, migration OrganisationNameHistory), so every path that writes a name
// keeps its history; read by the spend facts for the name as it was at a report's moment.
@Entity('organisation_names')
export class OrganisationName {
  @PrimaryColumn('uuid')
  organisationId: string;

  @PrimaryColumn({ type: 'timestamptz' })
  validFrom: Date;

  @Column({ type: 'text' })
  name: string;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;
}
