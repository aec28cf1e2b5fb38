import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { IsInstant, TrimmedText } from '../common/validation';

export class GrantDeadlineExtensionDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The organisation given the later close time',
    example: '3b1f6c2e-8d4a-4f7e-9c1b-2a5d6e7f8a9b',
  })
  @IsUUID('all', { message: 'organisationId must be a UUID' })
  organisationId: string;

  @ApiProperty({
    format: 'date-time',
    example: '2022-05-30T22:59:00Z',
    description:
      'The organisation’s own close time: later than the round’s, at most DEADLINE_EXTENSION_MAX_DAYS days after it',
  })
  @IsInstant('closesAt')
  closesAt: string;

  @ApiProperty({ maxLength: 4000, example: 'Flooding closed the council offices for three days.' })
  @TrimmedText(1, 4000)
  reason: string;
}

export class RevokeDeadlineExtensionDto {
  @ApiProperty({ maxLength: 4000, example: 'Granted to the wrong organisation.' })
  @TrimmedText(1, 4000)
  reason: string;
}

export class DeadlineExtensionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  roundId: string;

  @ApiProperty({ format: 'uuid' })
  organisationId: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ format: 'date-time', description: 'The organisation’s own close time' })
  closesAt: Date;

  @ApiProperty({ example: '30 May 2022 23:59:00 BST' })
  closesAtUkTime: string;

  @ApiProperty()
  reason: string;

  @ApiProperty({ format: 'uuid', description: 'The moderator who gave or last changed it' })
  grantedBy: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;

  @ApiProperty({ description: 'How many times it has been given (1, then 2 after a change...)' })
  version: number;
}

export class DeadlineExtensionListDto {
  @ApiProperty({ type: [DeadlineExtensionDto] })
  items: DeadlineExtensionDto[];
}
