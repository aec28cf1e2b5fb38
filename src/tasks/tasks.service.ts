import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../common/access';
import { formatLondonZoned } from '../common/london-time';
import type { TaskKindName } from './task-kinds';
import type { TaskDto, TaskListDto } from './task.dto';
import { TaskRegistry } from './task-registry';
import { TASK_LIST_LIMIT, type TaskRow, TaskStore } from './task-store';

// What the signed-in user must do next: one query per kind their role has, merged by urgency.
@Injectable()
export class TasksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: TaskRegistry,
    private readonly store: TaskStore,
  ) {}

  async list(user: AuthenticatedUser, now = new Date()): Promise<TaskListDto> {
    const counts: { kind: TaskKindName; count: number }[] = [];
    const items: TaskDto[] = [];
    for (const kind of this.registry.forRole(user.role)) {
      const rows = await this.store.rowsOf(this.dataSource.manager, kind, user, now);
      counts.push({ kind: kind.kind, count: rows.length > 0 ? Number(rows[0].total) : 0 });
      items.push(...rows.map((row) => toTask(kind.kind, row)));
    }
    items.sort(byUrgency);
    return {
      items: items.slice(0, TASK_LIST_LIMIT),
      total: counts.reduce((sum, kind) => sum + kind.count, 0),
      limit: TASK_LIST_LIMIT,
      counts,
    };
  }
}

function toTask(kind: TaskKindName, row: TaskRow): TaskDto {
  const deadline = row.deadline === null ? null : new Date(row.deadline);
  return {
    kind,
    objectType: row.object_type,
    objectId: row.object_id,
    reference: row.reference,
    title: row.title,
    deadline: deadline?.toISOString() ?? null,
    deadlineLondon: deadline ? formatLondonZoned(deadline) : null,
    overdueDays: Number(row.overdue_days),
  };
}

// Earliest deadline first (so the overdue lead), those without one last; then by reference.
function byUrgency(a: TaskDto, b: TaskDto): number {
  if (a.deadline !== b.deadline) {
    if (a.deadline === null) {
      return 1;
    }
    if (b.deadline === null) {
      return -1;
    }
    return a.deadline < b.deadline ? -1 : 1;
  }
  return a.reference.localeCompare(b.reference) || a.kind.localeCompare(b.kind);
}
