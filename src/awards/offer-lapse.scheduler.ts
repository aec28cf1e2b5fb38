import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DailyJobScheduler } from '../queues/daily-job-scheduler';
import { OfferJobName, OfferJobs, QUEUES } from '../queues/queues';

export const DAILY_OFFER_LAPSE_SCHEDULER = 'daily-offer-lapse';

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
