import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { AuthenticatedUser } from '../common/access';
import type { Page } from '../common/pagination';
import { AuditEvent, FieldChanges } from './audit-event.entity';

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

export function createdFields(
  after: Record<string, unknown>,
  fields: readonly string[],
): FieldChanges {
  return changedFields({}, after, fields);
}

// createdFields in SQL, for a write that makes the row in the same statement as its event:
// `columns` maps each field to an SQL expression of its value, read from the new row, so the
// row's values are not sent twice and its defaults are the ones the database filled in. A field
// whose value is null is left out, as createdFields leaves it.
export function createdFieldsSql(columns: Record<string, string>): string {
  const pairs = Object.entries(columns).map(([field, sql]) => `('${field}', to_jsonb(${sql}))`);
  return `(SELECT coalesce(jsonb_object_agg(f, jsonb_build_object('before', null, 'after', v)), '{}')
     FROM (VALUES ${pairs.join(', ')}) AS c(f, v) WHERE v IS NOT NULL AND v <> 'null'::jsonb)`;
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

// The INSERT of an audit event, for a caller that makes it part of one of its own statements
// (a WITH) so a write and its event reach the database together. Its values are numbered from
// $`first`.
export function auditInsert(
  actor: AuditActor,
  entry: AuditEntry,
  first: number,
): { sql: string; values: unknown[] } {
  const values = [
    actor.id,
    actor.label,
    entry.command,
    entry.objectType,
    entry.objectId,
    JSON.stringify(entry.changes),
  ];
  const places = values.map((_, n) => `$${first + n}`);
  places[places.length - 1] += '::jsonb';
  return {
    sql: `INSERT INTO audit_events (actor_id, actor_label, command, object_type, object_id, changes)
          VALUES (${places.join(', ')})`,
    values,
  };
}

// auditInsert for a write whose object is made by the same statement: the event is inserted once
// for each row of `from` (a WITH's name; none, no event), its object's id read from it
// (`objectIdSql`), and its changes the entry's merged with `moreChangesSql` (a jsonb expression
// over `from`: what only the write knows, such as a number it took).
export function auditInsertFrom(
  actor: AuditActor,
  entry: Omit<AuditEntry, 'objectId'>,
  first: number,
  from: { from: string; objectIdSql: string; moreChangesSql: string },
): { sql: string; values: unknown[] } {
  const values = [
    actor.id,
    actor.label,
    entry.command,
    entry.objectType,
    JSON.stringify(entry.changes),
  ];
  const [id, label, command, objectType, changes] = values.map((_, n) => `$${first + n}`);
  return {
    sql: `INSERT INTO audit_events (actor_id, actor_label, command, object_type, object_id, changes)
          SELECT ${id}, ${label}, ${command}, ${objectType}, ${from.objectIdSql},
                 ${from.moreChangesSql} || ${changes}::jsonb
            FROM ${from.from}`,
    values,
  };
}

@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  // Always inside the caller's transaction, so the event and the change commit or fail together.
  // The same INSERT as a write that carries its event in its own statement (auditInsert).
  async record(manager: EntityManager, actor: AuditActor, entry: AuditEntry): Promise<void> {
    const insert = auditInsert(actor, entry, 1);
    await manager.query(insert.sql, insert.values);
  }

  // How many `command` events an object has had since its last `resetBy` event (or ever).
  async countSinceLast(
    manager: EntityManager,
    object: { objectType: string; objectId: string },
    command: string,
    resetBy: string,
  ): Promise<number> {
    const rows: { count: string }[] = await manager.query(
      `SELECT count(*) AS count FROM audit_events
        WHERE object_type = $1 AND object_id = $2 AND command = $3
          AND occurred_at > coalesce(
            (SELECT max(occurred_at) FROM audit_events
              WHERE object_type = $1 AND object_id = $2 AND command = $4),
            '-infinity')`,
      [object.objectType, object.objectId, command, resetBy],
    );
    return Number(rows[0]?.count ?? 0);
  }

  async findForObject(
    filter: { objectType?: string; objectId?: string },
    limit: number,
    offset: number,
  ): Promise<Page<AuditEvent>> {
    const query = this.events
      .createQueryBuilder('event')
      .orderBy('event.occurredAt', 'ASC')
      .addOrderBy('event.id', 'ASC')
      .take(limit)
      .skip(offset);
    if (filter.objectType) {
      query.andWhere('event.objectType = :objectType', { objectType: filter.objectType });
    }
    if (filter.objectId) {
      query.andWhere('event.objectId = :objectId', { objectId: filter.objectId });
    }
    const [items, total] = await query.getManyAndCount();
    return { items, total, limit, offset };
  }
}
