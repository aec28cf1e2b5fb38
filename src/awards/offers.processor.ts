import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { DailyJobScheduler } from '../queues/daily-job-scheduler';
import { OfferJobName, OfferJobs, QUEUES } from '../queues/queues';
import { OfferLapseService } from './offer-lapse.service';
import { JobRunner } from '../observability/job-runner';

type OfferJob = Job<OfferJobs[OfferJobName]['data'], unknown, OfferJobName>;
export const DAILY_OFFER_LAPSE_SCHEDULER = 'daily-offer-lapse';

@Processor(QUEUES.offers)
export class OffersProcessor extends WorkerHost {
  constructor(
    private readonly lapses: OfferLapseService,
    private readonly jobs: JobRunner,
  ) {
    super();
  }

  process(job: OfferJob): Promise<OfferJobs[OfferJobName]['result']> {
    return this.jobs.run(QUEUES.offers, job, () => this.handle(job));
  }

  private handle(job: OfferJob): Promise<OfferJobs[OfferJobName]['result']> {
    switch (job.name) {
      case 'lapse':
        return this.lapses.lapseDue(job.data.asOf ? new Date(job.data.asOf) : new Date());
    }
  }
}

// The daily offer lapse, just after midnight (UK time), so an offer due at the end of a day
// lapses before the next working day.
@Injectable()
export class OfferLapseScheduler extends DailyJobScheduler {
  constructor(@InjectQueue(QUEUES.offers) queue: Queue) {
    super(queue, {
      id: DAILY_OFFER_LAPSE_SCHEDULER,
      what: 'offer lapse',
      at: '00:15',
      name: 'lapse' satisfies OfferJobName,
      data: {} satisfies OfferJobs['lapse']['data'],
    });
  }
}
