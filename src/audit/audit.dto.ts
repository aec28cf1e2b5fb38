import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageMetaDto, PageQuery } from '../common/pagination';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'funding_round' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  objectType?: string;

  @ApiPropertyOptional({ example: '6f1c5a8e-3b7a-4c1e-9a55-2f0f8c1d2e3a' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  objectId?: string;
}

export class AuditEventDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt: Date;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  actorId: string | null;

  @ApiProperty({ example: 'admin@demo.test (admin)' })
  actorLabel: string;

  @ApiProperty({ example: 'round.publish' })
  command: string;

  @ApiProperty({ example: 'funding_round' })
  objectType: string;

  @ApiProperty()
  objectId: string;

  @ApiProperty({
    description: 'Changed fields with their values before and after',
    example: { status: { before: 'draft', after: 'open' } },
  })
  changes: Record<string, { before: unknown; after: unknown }>;
}

export class AuditEventPageDto extends PageMetaDto {
  @ApiProperty({ type: [AuditEventDto] })
  items: AuditEventDto[];
}
