import { Column, Entity, PrimaryColumn } from 'typeorm';

// The 43 territorial force areas of England and Wales, keyed by their ONS PFA code.
@Entity('police_force_areas')
export class PoliceForceArea {
  @PrimaryColumn({ type: 'text' })
  code: string;

  @Column({ type: 'text', unique: true })
  name: string;

  @Column({ type: 'text' })
  country: string;
}
