import type { Readable } from 'node:stream';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../common/access';
import { formatLondonDate } from '../common/london-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { FileStore } from '../files/file-store';
import { QUEUES } from '../queues/queues';
import { redisUnavailable } from '../queues/redis-availability';
import { RoundsService } from '../rounds/rounds.service';
import type { CreateExportDto, ExportDto } from './exports.dto';
import { ExportStore } from './export-store';
import { exportFileKey, ReportExport } from './report-export.entity';
import { CONTENT_TYPES } from './spend-export';
import { SpendSummaryService } from './spend-summary.service';
import { withOrigin } from '../observability/job-origin';
import { commonError, notFound } from '../common/common.errors';
import { requestHash } from '../common/idempotency';
import { reportError } from './reports.errors';

function toDto(row: ReportExport): ExportDto {
  const { id, roundId, format, asAt, status, progress, fileName, error, createdAt } = row;
  return {
    ...{ id, roundId, format, asAt, status, progress, fileName, error, createdAt },
    sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes),
    finishedAt: row.finishedAt,
    expiredAt: row.expiredAt,
    downloadUrl: status === 'done' ? `/api/v1/exports/${id}/download` : null,
  };
}

// Exports as their requester sees them: asked for (202, built by the worker; a few open at a
// time per user), watched, and downloaded once done until the retention sweep deletes the file.
// Nobody else can see or download someone's export.
// The build job of an export: its id is the export's, so adding it again while it exists is a
// no-op (the worker re-adds unfinished ones when Redis comes back).
export function exportBuildJob(exportId: string) {
  return {
    jobId: exportId,
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: 100,
    removeOnFail: 100,
  };
}

// Keeping a round's spend facts (SpendCacheService): one job per round waiting at a time.
export function spendFactsJob(roundId: string) {
  return { jobId: `keep-${roundId}`, removeOnComplete: true, removeOnFail: true };
}

@Injectable()
export class ExportsService {
  private readonly logger = new Logger(ExportsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly rounds: RoundsService,
    private readonly summaries: SpendSummaryService,
    private readonly audit: AuditService,
    private readonly files: FileStore,
    private readonly store: ExportStore,
    @InjectQueue(QUEUES.exports) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async request(
    actor: AuditActor,
    user: AuthenticatedUser,
    roundId: string,
    input: CreateExportDto,
    idempotencyKey?: string,
    now = new Date(),
  ): Promise<ExportDto> {
    const asAt = this.summaries.asAtOf(input.asAt, now);
    // What the request asked for, as sent: a retry without an asAt is the same request, though
    // its default moment would be a little later.
    const hash = requestHash({ roundId, format: input.format, asAt: input.asAt ?? null });
    await this.settleOpen(user);
    const { row, made } = await this.dataSource.transaction(async (manager) => {
      const round = await this.rounds.get(user, roundId);
      if (round.status === 'draft') {
        throw reportError('round-not-published', {
          message: `Round ${round.code} is still a draft: it has no bids or awards to export until it opens.`,
        });
      }
      // One request of a user's at a time counts and adds, so parallel requests keep the limit.
      // It also holds a retry until the first request with its key has committed.
      await this.store.lockRequester(manager, user.id);
      const earlier = idempotencyKey
        ? await this.store.findByKey(manager, user.id, idempotencyKey)
        : null;
      if (earlier) {
        if (earlier.creationHash !== hash) {
          throw commonError('idempotency-key-reused', {
            message:
              'This Idempotency-Key was already used to ask for a different export; use a new key for a new export.',
          });
        }
        return { row: earlier, made: false };
      }
      const open = await this.store.countOpenOf(manager, user.id);
      const limit = this.config.exportLimits.openPerUser;
      if (open >= limit) {
        throw reportError('too-many-open-exports', {
          message: `You have ${open} exports queued or being built, and at most ${limit} may be open at once; ask for another once one of them is done.`,
          extensions: { openExports: open, openExportsLimit: limit },
        });
      }
      const created = await this.store.insert(manager, {
        roundId,
        format: input.format,
        asAt,
        requestedBy: user.id,
        creationKey: idempotencyKey ?? null,
        creationHash: idempotencyKey ? hash : null,
      });
      await this.audit.record(manager, actor, {
        command: 'export.request',
        objectType: 'report_export',
        objectId: created.id,
        changes: {
          format: { before: null, after: input.format },
          asAt: { before: null, after: asAt.toISOString() },
        },
      });
      return { row: created, made: true };
    });
    if (!made) {
      return toDto(row);
    }
    try {
      await this.queue.add('build', withOrigin({ exportId: row.id }), exportBuildJob(row.id));
    } catch (error) {
      this.logger.error(`Export ${row.id} could not be queued: ${String(error)}`);
      await this.store.markFailed(
        this.dataSource.manager,
        row.id,
        'The export queue was not reachable; ask for the export again.',
      );
      // Its job may still reach Redis once it answers again: the builder leaves a failed export
      // as it is.
      throw redisUnavailable(
        'The export could not be started because the job store (Redis) is not answering; it is listed as failed. Ask for it again in a few seconds.',
      );
    }
    return toDto(row);
  }

  // The user's unfinished exports checked against the queue (see settleLost), so an export
  // whose job is gone does not hold a place under the limit.
  private async settleOpen(user: AuthenticatedUser): Promise<void> {
    const open = await this.store.openOf(this.dataSource.manager, user.id);
    if (open.length >= this.config.exportLimits.openPerUser) {
      for (const row of open) {
        await this.settleLost(row);
      }
    }
  }

  async get(user: AuthenticatedUser, id: string): Promise<ExportDto> {
    return toDto(await this.own(user, id));
  }

  // An export still queued or running whose job the queue no longer holds, or holds as failed
  // (a worker killed past its retries), will not finish: it reads failed.
  private async settleLost(row: ReportExport): Promise<ReportExport> {
    if (row.status !== 'queued' && row.status !== 'running') {
      return row;
    }
    const job = await this.queue.getJob(row.id);
    const state = job ? await job.getState() : 'missing';
    if (state !== 'missing' && state !== 'failed') {
      return row;
    }
    const error = 'The export stopped before it was finished; ask for it again.';
    await this.store.markFailed(this.dataSource.manager, row.id, error, [row.status]);
    return Object.assign(row, { status: 'failed' as const, error });
  }

  async download(
    user: AuthenticatedUser,
    id: string,
  ): Promise<{ stream: Readable; fileName: string; contentType: string }> {
    const row = await this.own(user, id);
    if (row.status === 'expired') {
      const days = this.config.exportLimits.retentionDays;
      throw reportError('export-expired', {
        message: `This export's file was deleted on ${row.expiredAt ? formatLondonDate(row.expiredAt) : 'an earlier day'}: exports are kept for ${days} days after they are built. Ask for a new export.`,
      });
    }
    if (row.status !== 'done' || !row.fileName) {
      throw reportError('export-not-ready', {
        message:
          row.status === 'failed'
            ? `This export failed. ${row.error ?? 'Ask for it again.'}`
            : `This export is ${row.status} (${row.progress}% built); download it once its status is done.`,
      });
    }
    const stream = await this.files.read(exportFileKey(row));
    if (!stream) {
      throw reportError('export-file-missing');
    }
    return {
      stream,
      fileName: row.fileName,
      contentType: CONTENT_TYPES[row.format],
    };
  }

  private async own(user: AuthenticatedUser, id: string): Promise<ReportExport> {
    const row = await this.store.find(this.dataSource.manager, id);
    if (!row || row.requestedBy !== user.id) {
      throw notFound('Export');
    }
    return this.settleLost(row);
  }
}
