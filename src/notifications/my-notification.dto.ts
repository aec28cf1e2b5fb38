import { ApiProperty } from '@nestjs/swagger';
import { PageMetaDto } from '../common/pagination';
import { EMAIL_STATUSES, type EmailStatus } from './email-outbox.entity';

export class MyNotificationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    description: 'What kind of email it is: the name of its template',
    example: 'return-overdue-reminder',
  })
  template: string;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'The subject line: as sent, or for an email not yet sent, its template’s subject rendered with the email’s data (null if that cannot be rendered)',
    example: 'Overdue: delivery return 2026/27 Q1 for SSF3-0042',
  })
  subject: string | null;

  @ApiProperty({ enum: EMAIL_STATUSES, enumName: 'EmailStatus' })
  status: EmailStatus;

  @ApiProperty({ format: 'date-time', description: 'When it was queued, UTC' })
  createdAt: string;

  @ApiProperty({
    description: 'When it was queued, on a UK clock',
    example: '1 July 2026 09:00:00 BST',
  })
  createdAtLondon: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  sentAt: string | null;

  @ApiProperty({ nullable: true, type: String, example: '1 July 2026 09:00:00 BST' })
  sentAtLondon: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'delivery_return' })
  objectType: string | null;

  @ApiProperty({ nullable: true, type: String })
  objectId: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The page the email links to about its object, when it has one',
    example: 'http://localhost:3000/returns/6f1c5a8e-3b7a-4c1e-9a55-2f0f8c1d2e3a',
  })
  link: string | null;
}

export class MyNotificationPageDto extends PageMetaDto {
  @ApiProperty({ type: [MyNotificationDto] })
  items: MyNotificationDto[];
}
