import { ApiProperty } from '@nestjs/swagger';
import { ObjectPageQuery, PageMetaDto } from '../common/pagination';

export class AuditQuery extends ObjectPageQuery {}

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
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { before: {}, after: {} },
      required: ['before', 'after'],
    },
    description: 'Changed fields with their values before and after',
    example: { status: { before: 'draft', after: 'open' } },
  })
  changes: Record<string, { before: unknown; after: unknown }>;
}

export class AuditEventPageDto extends PageMetaDto {
  @ApiProperty({ type: [AuditEventDto] })
  items: AuditEventDto[];
}
