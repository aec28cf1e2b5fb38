import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxService } from '../../src/notifications/outbox.service';
import { uniqueSuffix } from './factories';

// Queues `count` emails in one transaction, as a module would; answers their row ids.
export async function queueBatch(
  context: INestApplicationContext,
  count: number,
): Promise<string[]> {
  const batch = uniqueSuffix();
  return context.get(DataSource).transaction(async (manager) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const to = `bulk-${batch.toLowerCase()}-${i}@example.org`;
      const { id } = await context.get(OutboxService).queue(manager, {
        template: 'password-changed',
        to,
        dedupeKey: `test:${batch}:${i}`,
        data: {
          name: `Recipient ${i}`,
          email: to,
          reset: false,
          changedAt: '2026-12-01T12:00:00Z',
          signInUrl: 'https://grants.example.org',
        },
      });
      ids.push(id);
    }
    return ids;
  });
}

// The Message-ID the worker gives the mail of an outbox row.
export const messageIdOf = (outboxId: string): string => `<${outboxId}@safer-streets.localhost>`;

// How many of the rows are in each status.
export async function statuses(
  dataSource: DataSource,
  ids: string[],
): Promise<Record<string, number>> {
  const rows = await dataSource.query<{ status: string; count: number }[]>(
    `SELECT status, count(*)::int AS count FROM email_outbox WHERE id = ANY($1) GROUP BY status`,
    [ids],
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}
