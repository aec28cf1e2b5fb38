import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../common/access';
import type { Page } from '../common/pagination';
import type { AuditEvent, FieldChanges } from './audit-event.entity';
import { AuditStore } from './audit-store';

export interface AuditActor {
  id: string | null;
  label: string;
}

export function auditActor(user: Pick<AuthenticatedUser, 'id' | 'email' | 'role'>): AuditActor {
  return { id: user.id, label: `${user.email} (${user.role})` };
}

export interface AuditEntry {
  command: string;
  objectType: string;
  objectId: string;
  changes: FieldChanges;
}

// Before/after of the fields that changed; values are compared as JSON so dates and arrays
// compare by content, and objects whatever the order of their keys (a value read back from a
// jsonb column has its keys in PostgreSQL's order, the same value from a request in the order
// sent).
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  fields: readonly string[],
): FieldChanges {
  const changes: FieldChanges = {};
  for (const field of fields) {
    const from = toJson(before[field]);
    const to = toJson(after[field]);
    if (JSON.stringify(sortedKeys(from)) !== JSON.stringify(sortedKeys(to))) {
      changes[field] = { before: from, after: to };
    }
  }
  return changes;
}

// An edit whose changedFields are empty writes nothing: no save (so no version or updated_at
// bump, and another editor's If-Match still holds) and no audit event; it answers what is stored.
export function changesNothing(changes: FieldChanges): boolean {
  return Object.keys(changes).length === 0;
}

export function createdFields(
  after: Record<string, unknown>,
  fields: readonly string[],
): FieldChanges {
  return changedFields({}, after, fields);
}

// A JSON value with every object's keys in one order.
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortedKeys);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, item]) => [key, sortedKeys(item)]),
    );
  }
  return value;
}

function toJson(value: unknown): unknown {
  if (value === undefined) {
    return null;
  }
  return JSON.parse(JSON.stringify(value)) as unknown;
}

// The audit trail as other modules use it. Always inside the caller's transaction, so an event
// and the change it records commit or fail together.
@Injectable()
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: AuditStore,
  ) {}

  record(manager: EntityManager, actor: AuditActor, entry: AuditEntry): Promise<void> {
    return this.store.insert(manager, actor, entry);
  }

  // AuditStore.countSinceLast, for a module that counts its own commands.
  countSinceLast(
    manager: EntityManager,
    object: { objectType: string; objectId: string },
    command: string,
    resetBy: string,
  ): Promise<number> {
    return this.store.countSinceLast(manager, object, command, resetBy);
  }

  findForObject(
    filter: { objectType?: string; objectId?: string },
    limit: number,
    offset: number,
  ): Promise<Page<AuditEvent>> {
    return this.store.page(this.dataSource.manager, filter, limit, offset);
  }
}
