import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ObjectPageQuery, PageMetaDto } from '../common/pagination';
import { trimString } from '../common/validation';
import { EMAIL_STATUSES, EmailStatus } from './email-outbox.entity';

export class EmailOutboxQuery extends ObjectPageQuery {
  @ApiPropertyOptional({ enum: EMAIL_STATUSES })
  @IsOptional()
  @IsIn(EMAIL_STATUSES, { message: `status must be one of ${EMAIL_STATUSES.join(', ')}` })
  status?: EmailStatus;

  @ApiPropertyOptional({ example: 'account-invitation', maxLength: 63 })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,63}$/, {
    message: 'template must be a template name: lower-case letters, digits and dashes',
  })
  template?: string;

  @ApiPropertyOptional({
    description: 'Emails sent to this address',
    example: 'applicant@demo.test',
  })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @MaxLength(254)
  recipient?: string;
}

export class EmailOutboxDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'account-link:6f1c5a8e-3b7a-4c1e-9a55-2f0f8c1d2e3a' })
  dedupeKey: string;

  @ApiProperty({ example: 'account-invitation' })
  template: string;

  @ApiProperty({ type: [String], example: ['j.smith@northumbria-pcc.example'] })
  recipients: string[];

  @ApiProperty({
    description: 'What the template is rendered with',
    type: 'object',
    additionalProperties: true,
  })
  data: Record<string, unknown>;

  @ApiProperty({ nullable: true, type: String, example: 'user' })
  objectType: string | null;

  @ApiProperty({ nullable: true, type: String })
  objectId: string | null;

  @ApiProperty({ enum: EMAIL_STATUSES })
  status: EmailStatus;

  @ApiProperty({ description: 'Send attempts so far' })
  attempts: number;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why the last attempt failed',
    example: '550 5.1.1 Mailbox unavailable',
  })
  lastError: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Set once rendered' })
  subject: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The Message-ID header sent' })
  messageId: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  relayedAt: Date | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  sentAt: Date | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  failedAt: Date | null;
}

export class EmailOutboxPageDto extends PageMetaDto {
  @ApiProperty({ type: [EmailOutboxDto] })
  items: EmailOutboxDto[];
}
