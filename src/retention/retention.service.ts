import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { FileStore } from '../files/file-store';
import { RetentionRun } from './retention-run.entity';
import { RetentionStore } from './retention-store';
import {
  cutoffs,
  erasureRefusal,
  KIND_PERIOD,
  removedText,
  RETENTION_KINDS,
  RETENTION_PERIOD_RULES,
  RetentionKind,
} from './retention.rules';
import { notFound } from '../common/common.errors';
import { retentionError } from './retention.errors';

const BATCH = 200;
// Ids listed per kind by the preview; the count is always whole.
const PREVIEW_IDS = 500;
export const RETENTION_ACTOR: AuditActor = { id: null, label: 'retention job' };

export interface RetentionPreviewKind {
  kind: RetentionKind;
  setting: string;
  periodDays: number;
  countedFrom: string;
  cutoff: Date;
  count: number;
  ids: string[];
}

export interface ErasureResult {
  userId: string;
  erasedAt: Date;
  alreadyErased: boolean;
}

// The retention job (daily, from the worker) and an admin's erasure of a deactivated user. Each
// batch of a kind is one transaction; a record done is marked (or gone, or reads removed), so a
// run stopped half way, or run twice, does each record once.
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: RetentionStore,
    private readonly audit: AuditService,
    private readonly files: FileStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async preview(now = new Date()): Promise<RetentionPreviewKind[]> {
    const due = cutoffs(now, this.config.retention.periods);
    const manager = this.dataSource.manager;
    const kinds: RetentionPreviewKind[] = [];
    for (const kind of RETENTION_KINDS) {
      const period = KIND_PERIOD[kind];
      kinds.push({
        kind,
        setting: RETENTION_PERIOD_RULES[period].setting,
        periodDays: this.config.retention.periods[period],
        countedFrom: RETENTION_PERIOD_RULES[period].from,
        cutoff: due[kind],
        count: await this.store.countDue(manager, kind, due[kind]),
        ids: await this.store.dueIds(manager, kind, due[kind], PREVIEW_IDS),
      });
    }
    return kinds;
  }

  // `stop` ends the run between batches (the process is stopping), with an error.
  async run(now = new Date(), stop?: AbortSignal): Promise<RetentionRun> {
    const startedAt = new Date();
    const due = cutoffs(now, this.config.retention.periods);
    const runId = await this.store.newRunId(this.dataSource.manager);
    const counts = {} as Record<RetentionKind, number>;
    for (const kind of RETENTION_KINDS) {
      counts[kind] = await this.runKind(kind, due[kind], now, runId, stop);
    }
    return this.dataSource.transaction(async (manager) => {
      const saved = await this.store.saveRun(manager, {
        id: runId,
        asOf: now,
        startedAt,
        finishedAt: new Date(),
        counts,
      });
      await this.audit.record(manager, RETENTION_ACTOR, {
        command: 'retention.run',
        objectType: 'retention_run',
        objectId: runId,
        changes: Object.fromEntries(
          RETENTION_KINDS.map((kind) => [kind, { before: null, after: counts[kind] }]),
        ),
      });
      const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
      this.logger.log(
        `Retention run ${runId}: ${total} record(s) past their period (${RETENTION_KINDS.map((kind) => `${kind} ${counts[kind]}`).join(', ')})`,
      );
      return saved;
    });
  }

  async erase(actor: AuditActor, userId: string): Promise<ErasureResult> {
    return this.dataSource.transaction(async (manager) => {
      await this.store.allowRetentionWrites(manager);
      const user = await this.store.findUserForErasure(manager, userId);
      if (!user) {
        throw notFound('The user');
      }
      const refusal = erasureRefusal(user, actor.id ?? '');
      if (refusal) {
        throw retentionError(refusal);
      }
      if (user.erased) {
        return {
          userId,
          erasedAt: await this.store.erasedAt(manager, userId),
          alreadyErased: true,
        };
      }
      const removed = await this.store.eraseUser(manager, user, removedText(new Date()));
      await this.store.markErased(manager, 'user', [userId], 'erasure-request', null);
      await this.audit.record(manager, actor, {
        command: 'user.erase',
        objectType: 'user',
        objectId: userId,
        changes: {
          personalData: { before: 'held', after: 'removed' },
          sessionsEnded: { before: null, after: removed.sessions },
          linksRemoved: { before: null, after: removed.links },
        },
      });
      return { userId, erasedAt: await this.store.erasedAt(manager, userId), alreadyErased: false };
    });
  }

  // Batch after batch until none is left; each kind's writes make its records drop out of DUE.
  private async runKind(
    kind: RetentionKind,
    cutoff: Date,
    now: Date,
    runId: string,
    stop?: AbortSignal,
  ): Promise<number> {
    let done = 0;
    const seen = new Set<string>();
    for (;;) {
      stop?.throwIfAborted();
      const ids = await this.store.dueIds(this.dataSource.manager, kind, cutoff, BATCH);
      if (ids.length === 0) {
        return done;
      }
      // Every write takes its records out of the due list; one still there is a defect, not a loop.
      if (ids.some((id) => seen.has(id))) {
        throw new Error(`Retention of ${kind}: a record was still due after it was done`);
      }
      ids.forEach((id) => seen.add(id));
      if (kind === 'unfunded-bid-documents') {
        // Files first: a run stopped after them finds the rows again and removes nothing twice.
        for (const document of await this.store.documentKeys(this.dataSource.manager, ids)) {
          await this.files.remove(document.storageKey);
        }
      }
      await this.dataSource.transaction(async (manager) => {
        await this.store.allowRetentionWrites(manager);
        await this.apply(manager, kind, ids, removedText(now), runId);
      });
      done += ids.length;
    }
  }

  private async apply(
    manager: EntityManager,
    kind: RetentionKind,
    ids: string[],
    text: string,
    runId: string,
  ): Promise<void> {
    switch (kind) {
      case 'unfunded-bids':
      case 'funded-bids':
        await this.store.anonymiseBids(manager, ids, text, kind === 'funded-bids');
        return this.store.markErased(manager, 'bid', ids, kind, runId);
      case 'unfunded-bid-documents':
        await this.store.anonymiseDocuments(manager, ids, text);
        return this.store.markErased(manager, 'supporting_document', ids, kind, runId);
      case 'inactive-users':
        for (const id of ids) {
          const user = await this.store.findUserForErasure(manager, id);
          if (user && !user.erased) {
            await this.store.eraseUser(manager, user, text);
          }
        }
        return this.store.markErased(manager, 'user', ids, kind, runId);
      case 'sessions':
        return this.store.deleteSessions(manager, ids);
      case 'account-links':
        return this.store.deleteAccountLinks(manager, ids);
      case 'sign-in-records':
        return this.store.redactSignInAddresses(manager, ids);
      case 'emails':
        return this.store.anonymiseEmails(manager, ids, text);
    }
  }
}
