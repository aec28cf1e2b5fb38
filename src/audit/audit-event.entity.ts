import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type FieldChanges = Record<string, { before: unknown; after: unknown }>;

// Append-only: a trigger in the migration refuses UPDATE, DELETE and TRUNCATE on this table.
@Entity('audit_events')
@Index('ix_audit_events_object', ['objectType', 'objectId', 'occurredAt'])
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @CreateDateColumn({ type: 'timestamptz' })
  occurredAt: Date;

  // Null for system actors (seed, CLI); actorLabel still says who.
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'text' })
  actorLabel: string;

  @Column({ type: 'text' })
  command: string;

  @Column({ type: 'text' })
  objectType: string;

  @Column({ type: 'text' })
  objectId: string;

  @Column({ type: 'jsonb' })
  changes: FieldChanges;
}
