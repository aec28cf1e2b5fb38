import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsInstant } from '../common/validation';
import { DEFAULT_AS_AT_WORDS } from './spend-summary.rules';
import {
  EXPORT_FORMATS,
  EXPORT_STATUSES,
  type ExportFormat,
  type ExportStatus,
} from './report-export.entity';

export class CreateExportDto {
  @ApiProperty({ enum: EXPORT_FORMATS })
  @IsIn(EXPORT_FORMATS, { message: 'format must be csv, xlsx or html' })
  format: ExportFormat;

  @ApiPropertyOptional({
    format: 'date-time',
    description: `The moment the figures are read as at (${DEFAULT_AS_AT_WORDS})`,
    example: '2027-03-31T22:59:59Z',
  })
  @IsOptional()
  @IsInstant('asAt')
  asAt?: string;
}

export class ExportDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  roundId: string;

  @ApiProperty({ enum: EXPORT_FORMATS })
  format: ExportFormat;

  @ApiProperty({ format: 'date-time' })
  asAt: Date;

  @ApiProperty({ enum: EXPORT_STATUSES })
  status: ExportStatus;

  @ApiProperty({ minimum: 0, maximum: 100, description: 'Percent built' })
  progress: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Once built: the round and the moment on the UK clock with its zone, e.g. spend-summary-SSF-DEMO-R-2026-04-01-0030-BST.csv',
  })
  fileName: string | null;

  @ApiProperty({ type: Number, nullable: true })
  sizeBytes: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why it failed' })
  error: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ type: Date, nullable: true, format: 'date-time' })
  finishedAt: Date | null;

  @ApiProperty({
    type: Date,
    nullable: true,
    format: 'date-time',
    description: 'When its file was deleted, after the retention period',
  })
  expiredAt: Date | null;

  @ApiProperty({ type: String, nullable: true, description: 'Where to download it, once done' })
  downloadUrl: string | null;
}
