import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobOf, QueueConsumer, ResultOf } from '../queues/queue-consumer';
import { EmailJobs, QUEUES } from '../queues/queues';
import { EmailDeliveryService, UndeliverableEmailError } from './email-delivery.service';

// The email queue's consumer, sending EMAIL_CONCURRENCY mails at once with EMAIL_LOCK_MS locks.
@Injectable()
export class EmailProcessor extends QueueConsumer<EmailJobs> {
  constructor(
    @Inject(APP_CONFIG) { mail }: AppConfig,
    private readonly delivery: EmailDeliveryService,
  ) {
    super(QUEUES.email, {
      concurrency: mail.concurrency,
      lockDuration: mail.lockMs,
      stalledInterval: mail.lockMs,
      // A job whose worker died is taken up again; past this, the outbox sweep brings it back.
      maxStalledCount: 2,
      // A send still running at shutdown may be handed back at once: a second worker waits for
      // the outbox row's lock, which the first holds until its send has committed.
      handsBackWhileRunning: true,
    });
  }

  protected async handle(job: JobOf<EmailJobs>): Promise<ResultOf<EmailJobs>> {
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
}
