import { Injectable } from '@nestjs/common';
import { EntityManager, In, LessThan } from 'typeorm';
import { type ExportStatus, OPEN_EXPORT_STATUSES, ReportExport } from './report-export.entity';

// The fields a built export gets.
type Built = Pick<ReportExport, 'fileName' | 'sizeBytes' | 'finishedAt'>;

// Named data access for requested exports (`report_exports`), inside the caller's transaction:
// a request, the build's progress through its statuses, and the retention sweep.
@Injectable()
export class ExportStore {
  find(manager: EntityManager, id: string): Promise<ReportExport | null> {
    return manager.findOneBy(ReportExport, { id });
  }

  // Holds the user's other requests until this transaction ends, so counting and adding are one
  // step (and a retry waits for the first request with its key to commit).
  async lockRequester(manager: EntityManager, userId: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`exports:${userId}`]);
  }

  // The user's export made with the Idempotency-Key `key`, if any.
  findByKey(manager: EntityManager, userId: string, key: string): Promise<ReportExport | null> {
    return manager.findOneBy(ReportExport, { requestedBy: userId, creationKey: key });
  }

  // The user's exports still queued or being built.
  openOf(manager: EntityManager, userId: string): Promise<ReportExport[]> {
    return manager.findBy(ReportExport, {
      requestedBy: userId,
      status: In([...OPEN_EXPORT_STATUSES]),
    });
  }

  countOpenOf(manager: EntityManager, userId: string): Promise<number> {
    return manager.countBy(ReportExport, {
      requestedBy: userId,
      status: In([...OPEN_EXPORT_STATUSES]),
    });
  }

  // Every export still queued or being built (their jobs are put back after Redis returns).
  async openIds(manager: EntityManager): Promise<string[]> {
    const rows = await manager.find(ReportExport, {
      select: { id: true },
      where: { status: In([...OPEN_EXPORT_STATUSES]) },
    });
    return rows.map((row) => row.id);
  }

  // A new request, queued; answers it as stored.
  insert(
    manager: EntityManager,
    request: Pick<
      ReportExport,
      'roundId' | 'format' | 'asAt' | 'requestedBy' | 'creationKey' | 'creationHash'
    >,
  ): Promise<ReportExport> {
    return manager.save(manager.create(ReportExport, request));
  }

  async markRunning(manager: EntityManager, id: string): Promise<void> {
    await manager.update(ReportExport, { id }, { status: 'running', progress: 0, error: null });
  }

  async markDone(manager: EntityManager, id: string, built: Built): Promise<void> {
    await manager.update(ReportExport, { id }, { status: 'done', progress: 100, ...built });
  }

  // Failed with `error` for its requester; only while in one of `from` when given (never over
  // an export that has moved on meanwhile). Answers whether it was marked.
  async markFailed(
    manager: EntityManager,
    id: string,
    error: string,
    from?: readonly ExportStatus[],
  ): Promise<boolean> {
    const result = await manager.update(
      ReportExport,
      { id, ...(from ? { status: In([...from]) } : {}) },
      { status: 'failed', error },
    );
    return (result.affected ?? 0) > 0;
  }

  // Up to `limit` exports built before `cutoff`, oldest first, with what names their files.
  doneBefore(manager: EntityManager, cutoff: Date, limit: number): Promise<ReportExport[]> {
    return manager.find(ReportExport, {
      select: { id: true, format: true },
      where: { status: 'done', finishedAt: LessThan(cutoff) },
      order: { finishedAt: 'ASC' },
      take: limit,
    });
  }

  // Of the exports `ids`, those done, with what names their files.
  doneAmong(manager: EntityManager, ids: string[]): Promise<ReportExport[]> {
    return manager.find(ReportExport, {
      select: { id: true, format: true },
      where: { id: In(ids), status: 'done' },
    });
  }

  // The done exports among `ids` read expired from `now`; answers how many were.
  async markExpired(manager: EntityManager, ids: string[], now: Date): Promise<number> {
    const marked = await manager.update(
      ReportExport,
      { id: In(ids), status: 'done' },
      { status: 'expired', expiredAt: now },
    );
    return marked.affected ?? 0;
  }
}
