import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WatchedWorker } from '../queues/bullmq-classes';
import { EmailJobName, EmailJobs, QUEUES, queuePrefix, redisConnection } from '../queues/queues';
import { EmailDeliveryService, UndeliverableEmailError } from './email-delivery.service';
import { JobRunner } from '../observability/job-runner';

type EmailJob = Job<
  EmailJobs[EmailJobName]['data'],
  EmailJobs[EmailJobName]['result'],
  EmailJobName
>;

// The email queue's consumer. Built here rather than with @Processor because its concurrency
// and lock time come from the configuration, which a decorator cannot read.
@Injectable()
export class EmailProcessor implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EmailProcessor.name);
  private worker?: Worker<EmailJob['data'], EmailJob['returnvalue'], EmailJobName>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly delivery: EmailDeliveryService,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    const { concurrency, lockMs } = this.config.mail;
    // A send still running at shutdown may be handed back at once: a second worker waits for
    // the outbox row's lock, which the first holds until its send has committed.
    this.worker = new WatchedWorker(QUEUES.email, (job: EmailJob) => this.process(job), {
      connection: redisConnection(this.config),
      prefix: queuePrefix(this.config),
      concurrency,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      // A job whose worker died is taken up again; past this, the outbox sweep brings it back.
      maxStalledCount: 2,
    }).handsBackWhileRunning();
  }

  process(job: EmailJob): Promise<EmailJobs['send']['result']> {
    return this.jobs.run(QUEUES.email, job, () => this.handle(job));
  }

  private async handle(job: EmailJob): Promise<EmailJobs['send']['result']> {
    switch (job.name) {
      case 'send': {
        const attempt = job.attemptsMade + 1;
        const lastAttempt = attempt >= (job.opts.attempts ?? 1);
        try {
          return await this.delivery.deliver(job.data.outboxId, lastAttempt, attempt);
        } catch (error) {
          if (error instanceof UndeliverableEmailError) {
            throw new UnrecoverableError(error.message);
          }
          throw error;
        }
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
