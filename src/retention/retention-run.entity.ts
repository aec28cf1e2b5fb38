import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

// One run of the retention job: when, and how many records of each kind lost their personal data.
@Entity('retention_runs')
export class RetentionRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'timestamptz' })
  startedAt: Date;

  @Column({ type: 'timestamptz' })
  finishedAt: Date;

  // The moment the periods were counted back from.
  @Column({ type: 'timestamptz' })
  asOf: Date;

  @Column({ type: 'jsonb' })
  counts: Record<string, number>;
}

// A record whose personal data was removed (by a run, or by an admin's erasure of a user), so a
// later run skips it: running the job twice changes nothing the second time.
@Entity('personal_data_erasures')
export class PersonalDataErasure {
  @PrimaryColumn({ type: 'text' })
  objectType: string;

  @PrimaryColumn({ type: 'uuid' })
  objectId: string;

  @Column({ type: 'text' })
  kind: string;

  // Null for an erasure an admin asked for.
  @Column({ type: 'uuid', nullable: true })
  runId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  erasedAt: Date;
}
