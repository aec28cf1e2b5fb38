import { Injectable } from '@nestjs/common';
import type { Role } from '../common/access';
import type { TaskKind, TaskKindName } from './task-kinds';

// The kinds of task feature modules register at start, as reminder kinds are registered for the
// daily scan: each module states its own "what is waiting" query beside its reminders.
@Injectable()
export class TaskRegistry {
  private readonly registered = new Map<TaskKindName, TaskKind>();

  register(kind: TaskKind): void {
    if (this.registered.has(kind.kind)) {
      throw new Error(`The task kind "${kind.kind}" is registered twice.`);
    }
    this.registered.set(kind.kind, kind);
  }

  forRole(role: Role): TaskKind[] {
    return [...this.registered.values()].filter((kind) => kind.roles.includes(role));
  }
}
