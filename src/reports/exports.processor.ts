import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Job, Queue, Worker } from 'bullmq';
import { DataSource, In } from 'typeorm';
import { WatchedWorker } from '../queues/bullmq-classes';
import { RedisAvailability, ReturnWatch } from '../queues/redis-availability';
import { exportBuildJob } from './exports.service';
import { OPEN_EXPORT_STATUSES, ReportExport } from './report-export.entity';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ExportJobName, ExportJobs, QUEUES, queuePrefix, redisConnection } from '../queues/queues';
import { ExportBuilder } from './export-builder.service';
import { ExportRetentionService } from './export-retention.service';
import { JobRunner } from '../observability/job-runner';

type ExportJob = Job<
  ExportJobs[ExportJobName]['data'],
  ExportJobs[ExportJobName]['result'],
  ExportJobName
>;

// The exports queue's consumer: one export at a time per worker (each holds a database
// connection and a snapshot while it streams). Progress goes to the job and the export row;
// after its last attempt a failing export reads `failed` with the reason.
@Injectable()
export class ExportsProcessor implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ExportsProcessor.name);
  private worker?: Worker<ExportJob['data'], ExportJob['returnvalue'], ExportJobName>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly builder: ExportBuilder,
    private readonly retention: ExportRetentionService,
    private readonly dataSource: DataSource,
    private readonly redis: RedisAvailability,
    @InjectQueue(QUEUES.exports) private readonly queue: Queue,
    private readonly jobs: JobRunner,
  ) {}

  private returnWatch?: ReturnWatch;

  // Redis came back, maybe empty: every export still queued or running gets its job again.
  async requeueUnfinished(): Promise<number> {
    const rows = await this.dataSource.manager.find(ReportExport, {
      select: { id: true },
      where: { status: In([...OPEN_EXPORT_STATUSES]) },
    });
    for (const { id } of rows) {
      await this.queue.add('build', { exportId: id }, exportBuildJob(id));
    }
    return rows.length;
  }

  onModuleInit(): void {
    this.returnWatch = this.redis.onReturn('unfinished export(s)', () => this.requeueUnfinished());
    this.worker = new WatchedWorker(
      QUEUES.exports,
      (job: ExportJob, _token?: string, stop?: AbortSignal) => this.process(job, stop),
      {
        connection: redisConnection(this.config),
        prefix: queuePrefix(this.config),
        concurrency: 1,
        // A worker that dies mid-export holds it until its lock lapses; then another worker's
        // stalled-job check (as often as the lock's length) puts the export back to be built again.
        lockDuration: this.config.exportLimits.lockMs,
        stalledInterval: this.config.exportLimits.lockMs,
      },
    );
    this.worker.on('failed', (job, error) => {
      if (job?.name === 'build' && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        const { exportId } = job.data as ExportJobs['build']['data'];
        this.builder
          .fail(exportId, error.message)
          .catch((failure: unknown) => this.logger.error(`Export ${exportId}: ${String(failure)}`));
      }
    });
  }

  // `stop` aborts when the process is stopping: a build gives up where it is (the export stays
  // `running`) and the job goes back to the queue for another worker.
  process(job: ExportJob, stop?: AbortSignal): Promise<ExportJobs[ExportJobName]['result']> {
    return this.jobs.run(QUEUES.exports, job, () => this.handle(job, stop), stop);
  }

  private async handle(
    job: ExportJob,
    stop?: AbortSignal,
  ): Promise<ExportJobs[ExportJobName]['result']> {
    switch (job.name) {
      case 'build':
        await this.builder.build(
          (job.data as ExportJobs['build']['data']).exportId,
          (percent) => job.updateProgress(percent),
          stop,
        );
        return 'done';
      case 'sweep': {
        const { asOf } = job.data as ExportJobs['sweep']['data'];
        return this.retention.sweep(asOf ? new Date(asOf) : new Date());
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.returnWatch?.stop();
    await this.worker?.close();
  }
}
