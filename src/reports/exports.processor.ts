import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobOf, QueueConsumer, ResultOf } from '../queues/queue-consumer';
import { ExportJobs, QUEUES } from '../queues/queues';
import { ExportBuilderService } from './export-builder.service';
import { ExportRetentionService } from './export-retention.service';
import { exportBuildJob, spendFactsJob } from './exports.service';
import { ExportStore } from './export-store';
import { SpendCacheService } from './spend-cache.service';

// The exports queue's consumer: one export at a time per worker (each holds a database
// connection and a snapshot while it streams). Progress goes to the job and the export row;
// after its last attempt a failing export reads `failed` with the reason.
@Injectable()
export class ExportsProcessor extends QueueConsumer<ExportJobs> {
  private readonly logger = new Logger(ExportsProcessor.name);

  constructor(
    @Inject(APP_CONFIG) { exportLimits }: AppConfig,
    private readonly builder: ExportBuilderService,
    private readonly retention: ExportRetentionService,
    private readonly spendCache: SpendCacheService,
    private readonly dataSource: DataSource,
    private readonly store: ExportStore,
    @InjectQueue(QUEUES.exports) private readonly exportsQueue: Queue,
  ) {
    super(QUEUES.exports, {
      concurrency: 1,
      // A worker that dies mid-export holds it until its lock lapses; then another worker's
      // stalled-job check (as often as the lock's length) puts the export back to be built again.
      lockDuration: exportLimits.lockMs,
      stalledInterval: exportLimits.lockMs,
    });
  }

  // Redis came back, maybe empty: every export still queued or running gets its job again.
  protected override readonly onRedisReturn = {
    what: 'unfinished export(s)',
    putBack: async () => {
      const ids = await this.store.openIds(this.dataSource.manager);
      for (const id of ids) {
        await this.exportsQueue.add('build', { exportId: id }, exportBuildJob(id));
      }
      return ids.length;
    },
  };

  // `stop` aborts when the process is stopping: a build gives up where it is (the export stays
  // `running`) and the job goes back to the queue for another worker.
  protected async handle(job: JobOf<ExportJobs>, stop: AbortSignal): Promise<ResultOf<ExportJobs>> {
    switch (job.name) {
      case 'build': {
        const built = await this.builder.build(
          job.data.exportId,
          (percent) => job.updateProgress(percent),
          stop,
        );
        if (built) {
          await this.keepSpendFacts(built.roundId);
        }
        return 'done';
      }
      case 'keep':
        return { kept: await this.spendCache.refreshRound(job.data.roundId) };
      case 'sweep': {
        const swept = await this.retention.sweep(
          job.data.asOf ? new Date(job.data.asOf) : new Date(),
        );
        // Nightly too: every round's spend facts kept up to date, exported or not.
        const { awards } = await this.spendCache.refreshAll();
        return { ...swept, spendFactsKept: awards };
      }
    }
  }

  // The round's spend facts worked out and kept after its export, in a job of their own: the
  // next export of the round reads them. One such job per round waits at a time (its id); the
  // export is done either way.
  private async keepSpendFacts(roundId: string): Promise<void> {
    try {
      await this.exportsQueue.add('keep', { roundId }, spendFactsJob(roundId));
    } catch (error) {
      this.logger.warn(`Could not queue keeping round ${roundId}'s spend facts: ${String(error)}`);
    }
  }

  protected override failed(job: JobOf<ExportJobs>, error: Error): void {
    if (job.name === 'build' && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      const { exportId } = job.data;
      this.builder
        .fail(exportId, error.message)
        .catch((failure: unknown) => this.logger.error(`Export ${exportId}: ${String(failure)}`));
    }
  }
}
