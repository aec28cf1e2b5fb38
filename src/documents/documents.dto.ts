import { ApiProperty } from '@nestjs/swagger';
import { formatLondonZoned } from '../common/london-time';
import { OWNER_TYPES, type OwnerType, SCAN_STATUSES, type ScanStatus } from './document.lifecycle';
import type { SupportingDocument } from './supporting-document.entity';

export class DocumentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: OWNER_TYPES, enumName: 'DocumentOwnerType' })
  ownerType: OwnerType;

  @ApiProperty({ format: 'uuid' })
  ownerId: string;

  @ApiProperty({
    example: 'Letter of support - Byker residents.pdf',
    description: 'The uploaded name, without folders or control characters',
  })
  fileName: string;

  @ApiProperty({ example: 'application/pdf', description: "Read from the file's bytes" })
  mediaType: string;

  @ApiProperty({ type: 'integer', example: 48_213 })
  sizeBytes: number;

  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  sha256: string;

  @ApiProperty({
    enum: SCAN_STATUSES,
    enumName: 'DocumentScanStatus',
    description:
      'pending: not yet virus-scanned (seen only by its uploader); clean: nothing found; infected: malware found, its bytes deleted',
  })
  scanStatus: ScanStatus;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  scannedAt: Date | null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'What clamd found' })
  signature: string | null;

  @ApiProperty({ format: 'uuid' })
  uploadedBy: string;

  @ApiProperty({ type: String, format: 'date-time' })
  uploadedAt: Date;

  @ApiProperty({ example: '1 December 2026 19:49:19 GMT' })
  uploadedAtUkTime: string;
}

export class DocumentListDto {
  @ApiProperty({ type: [DocumentDto] })
  items: DocumentDto[];
}

export class UploadDocumentDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The file (one per request)' })
  file: string;
}

export function toDocumentDto(row: SupportingDocument): DocumentDto {
  return {
    id: row.id,
    ownerType: row.ownerType,
    ownerId: row.ownerId,
    fileName: row.fileName,
    mediaType: row.mediaType,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    scanStatus: row.scanStatus,
    scannedAt: row.scannedAt,
    signature: row.signature,
    uploadedBy: row.uploadedBy,
    uploadedAt: row.uploadedAt,
    uploadedAtUkTime: formatLondonZoned(row.uploadedAt),
  };
}
