import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Page } from '../common/pagination';
import { AuditEvent } from './audit-event.entity';
import type { AuditActor, AuditEntry } from './audit.service';

// createdFields in SQL, for a write that makes the row in the same statement as its event:
// `columns` maps each field to an SQL expression of its value, read from the new row, so the
// row's values are not sent twice and its defaults are the ones the database filled in. A field
// whose value is null is left out, as createdFields leaves it.
export function createdFieldsSql(columns: Record<string, string>): string {
  const pairs = Object.entries(columns).map(([field, sql]) => `('${field}', to_jsonb(${sql}))`);
  return `(SELECT coalesce(jsonb_object_agg(f, jsonb_build_object('before', null, 'after', v)), '{}')
     FROM (VALUES ${pairs.join(', ')}) AS c(f, v) WHERE v IS NOT NULL AND v <> 'null'::jsonb)`;
}

const INSERT_EVENT =
  'INSERT INTO audit_events (actor_id, actor_label, command, object_type, object_id, changes)';

// What an event says of who did what to which kind of object, as INSERT_EVENT's first values.
function whoDidWhat(actor: AuditActor, entry: Omit<AuditEntry, 'objectId'>): unknown[] {
  return [actor.id, actor.label, entry.command, entry.objectType];
}

// The INSERT of an audit event, for a caller that makes it part of one of its own statements
// (a WITH) so a write and its event reach the database together. Its values are numbered from
// $`first`.
export function auditInsert(
  actor: AuditActor,
  entry: AuditEntry,
  first: number,
): { sql: string; values: unknown[] } {
  const values = [...whoDidWhat(actor, entry), entry.objectId, JSON.stringify(entry.changes)];
  const places = values.map((_, n) => `$${first + n}`);
  places[places.length - 1] += '::jsonb';
  return {
    sql: `${INSERT_EVENT} VALUES (${places.join(', ')})`,
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
  const values = [...whoDidWhat(actor, entry), JSON.stringify(entry.changes)];
  const [id, label, command, objectType, changes] = values.map((_, n) => `$${first + n}`);
  return {
    sql: `${INSERT_EVENT}
          SELECT ${id}, ${label}, ${command}, ${objectType}, ${from.objectIdSql},
                 ${from.moreChangesSql} || ${changes}::jsonb
            FROM ${from.from}`,
    values,
  };
}

// Named reads and writes of the audit trail, in the caller's transaction. The trail is
// append-only: events are inserted (here, or by a write's own statement through auditInsert)
// and read, never changed.
@Injectable()
export class AuditStore {
  // The same INSERT as a write that carries its event in its own statement (auditInsert).
  async insert(manager: EntityManager, actor: AuditActor, entry: AuditEntry): Promise<void> {
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

  // A page of the events of `filter`'s objects, oldest first, with the total of the list.
  async page(
    manager: EntityManager,
    filter: { objectType?: string; objectId?: string },
    limit: number,
    offset: number,
  ): Promise<Page<AuditEvent>> {
    const query = manager
      .createQueryBuilder(AuditEvent, 'event')
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
