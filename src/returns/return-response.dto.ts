import { ApiProperty } from '@nestjs/swagger';
import { RETURN_STATUSES, type ReturnStatus } from './delivery-return.entity';

export class ScheduledReturnDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: '2026/27' })
  financialYear: string;

  @ApiProperty({ enum: [1, 2, 3, 4], description: 'Q1 April–June … Q4 January–March' })
  quarter: number;

  @ApiProperty({ format: 'date' })
  periodStartsOn: string;

  @ApiProperty({ format: 'date' })
  periodEndsOn: string;

  @ApiProperty({ format: 'date', description: 'The round’s due days after the quarter ends' })
  dueOn: string;

  @ApiProperty({ enum: RETURN_STATUSES })
  status: ReturnStatus;

  @ApiProperty({ description: 'Due and not sent by its due date (UK calendar)' })
  overdue: boolean;
}
