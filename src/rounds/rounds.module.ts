import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { UsersModule } from '../users/users.module';
import { AssessmentCriterion } from './assessment-criterion.entity';
import { DeadlineExtensionStore } from './deadline-extension-store';
import { DeadlineExtension } from './deadline-extension.entity';
import { DeadlineExtensionsController } from './deadline-extensions.controller';
import { DeadlineExtensionsService } from './deadline-extensions.service';
import { FundingRound } from './funding-round.entity';
import { RoundYearCap } from './round-year-cap.entity';
import { RoundsController } from './rounds.controller';
import { RoundsService } from './rounds.service';
import { RoundStore } from './round-store';

@Module({
  imports: [
    TypeOrmModule.forFeature([FundingRound, AssessmentCriterion, RoundYearCap, DeadlineExtension]),
    AuditModule,
    NotificationsModule,
    OrganisationsModule,
    UsersModule,
  ],
  controllers: [RoundsController, DeadlineExtensionsController],
  providers: [RoundsService, RoundStore, DeadlineExtensionStore, DeadlineExtensionsService],
  exports: [RoundsService, RoundStore, DeadlineExtensionStore],
})
export class RoundsModule {}
