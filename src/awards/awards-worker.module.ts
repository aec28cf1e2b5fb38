import { Module } from '@nestjs/common';
import { AwardsModule } from './awards.module';
import { OfferLapseService } from './offer-lapse.service';
import { OfferLapseScheduler } from './offer-lapse.scheduler';
import { OffersProcessor } from './offers.processor';

// The daily offer lapse, loaded only in the worker role.
@Module({
  imports: [AwardsModule],
  providers: [OfferLapseService, OffersProcessor, OfferLapseScheduler],
})
export class AwardsWorkerModule {}
