import { Injectable } from '@nestjs/common';
import { JobOf, QueueConsumer, ResultOf } from '../queues/queue-consumer';
import { OfferJobs, QUEUES } from '../queues/queues';
import { OfferLapseService } from './offer-lapse.service';

// The offers queue's consumer: the daily lapse of offers past their deadline.
@Injectable()
export class OffersProcessor extends QueueConsumer<OfferJobs> {
  constructor(private readonly lapses: OfferLapseService) {
    super(QUEUES.offers);
  }

  protected handle(job: JobOf<OfferJobs>): Promise<ResultOf<OfferJobs>> {
    switch (job.name) {
      case 'lapse':
        return this.lapses.lapseDue(job.data.asOf ? new Date(job.data.asOf) : new Date());
    }
  }
}
