import { TasksModule } from '../tasks/tasks.module';
import { AwardTasks } from './award-tasks';
import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NotificationsModule } from '../notifications/notifications.module';
import { ReturnLedgerStore } from '../returns/return-ledger-store';
import { ReturnScheduleStore } from '../returns/return-schedule-store';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AssessmentModule } from '../assessment/assessment.module';
import { AuditModule } from '../audit/audit.module';
import { BidsModule } from '../bids/bids.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { RoundsModule } from '../rounds/rounds.module';
import { UsersModule } from '../users/users.module';
import { AwardDeliveryService } from './award-delivery.service';
import { AwardDecision, AwardLine } from './award.entity';
import { AwardList } from './award-list';
import { AwardListStore } from './award-list-store';
import { AwardStore } from './award-store';
import { AwardViews } from './award-views';
import { OfferReminders } from './offer-reminders';
import { AwardsController } from './awards.controller';
import { DecisionViews } from './decision-views';
import { DecisionsService } from './decisions.service';
import { DueDiligenceCheck } from './due-diligence.entity';
import { DueDiligenceService } from './due-diligence.service';
import { OfferLetters } from './offer-letters';
import { OffersController } from './offers.controller';
import { OffersService } from './offers.service';
import { OutcomePublicationService } from './outcome-publication.service';
import { AwardVariation } from './variation.entity';
import { VariationLetters } from './variation-letters';
import { VariationReadsService } from './variation-reads.service';
import { VariationStore } from './variation-store';
import { VariationViews } from './variation-views';
import { VariationsController } from './variations.controller';
import { VariationsService } from './variations.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([AwardDecision, AwardLine, AwardVariation, DueDiligenceCheck]),
    AssessmentModule,
    AuditModule,
    BidsModule,
    NotificationsModule,
    TasksModule,
    OrganisationsModule,
    RoundsModule,
    UsersModule,
  ],
  controllers: [AwardsController, OffersController, VariationsController],
  // For the demo seed, which decides and publishes a round through the same services, for
  // delivery returns, which read and complete awards, and for the worker's offer lapse, which
  // finds lapsed offers through the store.
  exports: [
    AwardDeliveryService,
    AwardStore,
    DecisionsService,
    DueDiligenceService,
    OffersService,
    OutcomePublicationService,
  ],
  providers: [
    AwardTasks,
    OfferReminders,
    AwardDeliveryService,
    AwardList,
    AwardStore,
    AwardListStore,
    AwardViews,
    DecisionsService,
    DecisionViews,
    DueDiligenceService,
    OffersService,
    OutcomePublicationService,
    // The returns an award owes (scheduled on acceptance, cancelled on withdrawal, added by an
    // extension) and what they already claim (a variation checks it): stateless SQL on the
    // caller's transaction, provided here so awards need not import the returns module, which
    // builds on awards.
    ReturnLedgerStore,
    ReturnScheduleStore,
    VariationReadsService,
    VariationStore,
    VariationViews,
    VariationsService,
    // Compiled at start, so a broken letter template stops the start, not an award.
    {
      provide: OfferLetters,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => OfferLetters.load(config.lettersDir),
    },
    {
      provide: VariationLetters,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => VariationLetters.load(config.lettersDir),
    },
  ],
})
export class AwardsModule {}
