import { ApiProperty } from '@nestjs/swagger';
import { TASK_KINDS, type TaskKindName } from './task-kinds';

export const TASK_OBJECT_TYPES = [
  'bid',
  'award',
  'delivery_return',
  'assessment_assignment',
  'return_payment',
] as const;
export type TaskObjectType = (typeof TASK_OBJECT_TYPES)[number];

// The task list takes no parameters: it answers the most urgent tasks, up to its limit. Declared
// so that validation refuses any parameter sent, by name, as every other list does.
export class TaskListQuery {}

export class TaskDto {
  @ApiProperty({ enum: TASK_KINDS, enumName: 'TaskKind', description: 'What the task asks of you' })
  kind: TaskKindName;

  @ApiProperty({
    enum: TASK_OBJECT_TYPES,
    enumName: 'TaskObjectType',
    description: 'What the task is about: a bid, an award, a return, an assignment or a payment',
  })
  objectType: TaskObjectType;

  @ApiProperty({ format: 'uuid' })
  objectId: string;

  @ApiProperty({ description: 'The bid’s or award’s reference', example: 'SSF3-0042' })
  reference: string;

  @ApiProperty({ nullable: true, type: String, example: 'Safer Streets for Hightown' })
  title: string | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When it must be done, UTC; null when the work has no deadline',
  })
  deadline: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The deadline on a UK (Europe/London) clock',
    example: '15 July 2026 23:59:59 BST',
  })
  deadlineLondon: string | null;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Whole UK calendar days past the deadline; 0 when not overdue',
  })
  overdueDays: number;
}

export class TaskCountDto {
  @ApiProperty({ enum: TASK_KINDS, enumName: 'TaskKind' })
  kind: TaskKindName;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Tasks of this kind, all of them' })
  count: number;
}

export class TaskListDto {
  @ApiProperty({
    type: [TaskDto],
    description: 'Most urgent first: earliest deadline first (overdue ones lead), then no deadline',
  })
  items: TaskDto[];

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Tasks in all, listed or not' })
  total: number;

  @ApiProperty({ type: 'integer', description: 'At most this many tasks are listed' })
  limit: number;

  @ApiProperty({ type: [TaskCountDto], description: 'How many tasks of each kind there are' })
  counts: TaskCountDto[];
}
