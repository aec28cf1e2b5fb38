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
import { FundingRound } from '../rounds/funding-round.entity';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
// `expired`: done, then its file deleted by the retention sweep (EXPORT_RETENTION_DAYS).
export const EXPORT_STATUSES = ['queued', 'running', 'done', 'failed', 'expired'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];
// Not finished yet: what counts against a user's limit of open exports.
export const OPEN_EXPORT_STATUSES: readonly ExportStatus[] = ['queued', 'running'];
export function isOpenExport(status: ExportStatus): boolean {
  return OPEN_EXPORT_STATUSES.includes(status);
}

// Where an export's file is kept in the file store: under `exports/`, named by its id and format.
export const EXPORT_FILES_PREFIX = 'exports/';
export function exportFileKey(row: { id: string; format: string }): string {
  return `${EXPORT_FILES_PREFIX}${row.id}.${row.format}`;
}

// A round's spend summary exported as a file: asked for by a finance user or admin, built by a
// job on the `exports` queue as at `asAt` (so it can be built again with the same figures),
// kept in the file store (see exportFileKey) and downloaded by whoever asked for it, until the
// retention sweep deletes the file.
@Entity('report_exports')
@Check('ck_report_exports_format', `"format" IN ('csv', 'xlsx', 'html')`)
@Check('ck_report_exports_status', `"status" IN ('queued', 'running', 'done', 'failed', 'expired')`)
@Check('ck_report_exports_expired', `"status" <> 'expired' OR "expired_at" IS NOT NULL`)
@Check('ck_report_exports_progress', `"progress" BETWEEN 0 AND 100`)
@Check(
  'ck_report_exports_done',
  `"status" <> 'done' OR ("file_name" IS NOT NULL AND "size_bytes" IS NOT NULL AND "finished_at" IS NOT NULL)`,
)
@Index('ix_report_exports_requester', ['requestedBy', 'createdAt'])
@Index('uq_report_exports_creation_key', ['requestedBy', 'creationKey'], {
  unique: true,
  where: `"creation_key" IS NOT NULL`,
})
export class ReportExport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  roundId: string;

  @ManyToOne(() => FundingRound)
  @JoinColumn({ name: 'round_id' })
  round?: FundingRound;

  @Column({ type: 'text' })
  format: ExportFormat;

  @Column({ type: 'timestamptz' })
  asAt: Date;

  @Column({ type: 'text', default: 'queued' })
  status: ExportStatus;

  @Column({ type: 'integer', default: 0 })
  progress: number;

  @Column({ type: 'uuid' })
  requestedBy: string;

  @Column({ type: 'text', nullable: true })
  fileName: string | null;

  @Column({ type: 'bigint', nullable: true })
  sizeBytes: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  // Idempotency-Key of the request and a hash of what it asked for, so a retry finds this export.
  @Column({ type: 'text', nullable: true })
  creationKey: string | null;

  @Column({ type: 'text', nullable: true })
  creationHash: string | null;

  // When the retention sweep deleted its file.
  @Column({ type: 'timestamptz', nullable: true })
  expiredAt: Date | null;
}
