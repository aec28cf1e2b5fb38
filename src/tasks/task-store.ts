import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../common/access';
import type { TaskKind } from './task-kinds';
import type { TaskObjectType } from './task.dto';

// The most tasks one answer lists; `counts` and `total` still count them all.
export const TASK_LIST_LIMIT = 200;

// A task as its kind's query finds it, with how many that kind found in all.
export interface TaskRow {
  object_type: TaskObjectType;
  object_id: string;
  reference: string;
  title: string | null;
  deadline: Date | null;
  overdue_days: number;
  total: string;
}

// Named data access for "my work", in the caller's transaction: each kind's own query (declared
// by its feature, over that feature's lifecycle fragments) run for one user.
@Injectable()
export class TaskStore {
  // The kind's tasks for `user` at `now`, most urgent first, at most TASK_LIST_LIMIT of them.
  rowsOf(
    manager: EntityManager,
    kind: TaskKind,
    user: AuthenticatedUser,
    now: Date,
  ): Promise<TaskRow[]> {
    return manager.query<TaskRow[]>(
      // The parameters typed once, so a kind need not use all of them.
      `SELECT task.*, count(*) OVER () AS total FROM (${kind.select}) AS task
       CROSS JOIN (SELECT $1::timestamptz AS now, $2::uuid AS user_id, $3::uuid AS org) params
       ORDER BY task.deadline ASC NULLS LAST, task.reference, task.object_id
       LIMIT ${TASK_LIST_LIMIT}`,
      [now, user.id, user.organisationId, ...(kind.params ?? [])],
    );
  }
}
