import { ApiProperty } from '@nestjs/swagger';

// What an admin's "run the reminder scan now" did.
export class ReminderScanRunDto {
  @ApiProperty({ format: 'date-time', description: 'The moment the scan looked at (now)' })
  asOf: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0 },
    description: 'Emails the scan added to the outbox, per reminder kind',
    example: { 'return-overdue': 2, 'bid-draft-7d': 0 },
  })
  queued: Record<string, number>;

  @ApiProperty({ type: 'integer', minimum: 0, example: 2 })
  total: number;
}

// What an admin's "relay the outbox now" did.
export class EmailRelayRunDto {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 12,
    description: 'Unsent emails put (back) on the queue, whatever their age',
  })
  relayed: number;
}
