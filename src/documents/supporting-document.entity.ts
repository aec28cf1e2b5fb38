import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../users/user.entity';
import type { OwnerType, ScanStatus } from './document.lifecycle';

// A file a bidder attached to a draft bid or to a return still with them. The bytes are in the
// FileStore under `storage_key`; the name shown is the uploader's, sanitised.
@Entity('supporting_documents')
@Check('ck_supporting_documents_owner_type', `"owner_type" IN ('bid', 'return')`)
@Check('ck_supporting_documents_scan_status', `"scan_status" IN ('pending', 'clean', 'infected')`)
@Check('ck_supporting_documents_sha256', `"sha256" ~ '^[0-9a-f]{64}$'`)
@Check('ck_supporting_documents_size', `"size_bytes" > 0`)
@Index('ix_supporting_documents_owner', ['ownerType', 'ownerId', 'uploadedAt'])
export class SupportingDocument {
  // Made by the service before the bytes are stored, so the key can be named from it.
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'text' })
  ownerType: OwnerType;

  @Column({ type: 'uuid' })
  ownerId: string;

  @Column({ type: 'text', unique: true })
  storageKey: string;

  @Column({ type: 'text' })
  fileName: string;

  @Column({ type: 'text' })
  mediaType: string;

  @Column({ type: 'integer' })
  sizeBytes: number;

  @Column({ type: 'text' })
  sha256: string;

  @Column({ type: 'text', default: 'pending' })
  scanStatus: ScanStatus;

  @Column({ type: 'timestamptz', nullable: true })
  scannedAt: Date | null;

  // The signature clamd named, for an infected file.
  @Column({ type: 'text', nullable: true })
  signature: string | null;

  @Column({ type: 'uuid' })
  uploadedBy: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'uploaded_by' })
  uploader?: User;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  uploadedAt: Date;
}
