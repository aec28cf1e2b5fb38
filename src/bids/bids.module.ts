import { TasksModule } from '../tasks/tasks.module';
import { BidTasks } from './bid-tasks';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { RoundsModule } from '../rounds/rounds.module';
import { UsersModule } from '../users/users.module';
import { BidDraftingService } from './bid-drafting.service';
import { DraftBidReminders } from './draft-bid-reminders';
import { BidEligibilityService } from './bid-eligibility.service';
import { BidEndorsementController } from './bid-endorsement.controller';
import { BidEndorsementService } from './bid-endorsement.service';
import { BidCostLine, BidIntervention, BidMatchFunding } from './bid-lines.entity';
import { BidProgressService } from './bid-progress.service';
import { BidStore } from './bid-store';
import { BidAssessmentStore } from './bid-assessment-store';
import { BidEndorsementStore } from './bid-endorsement-store';
import { BidListStore } from './bid-list-store';
import { BidSubmissionService } from './bid-submission.service';
import { Bid } from './bid.entity';
import { BidsController } from './bids.controller';
import { BidsService } from './bids.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Bid, BidCostLine, BidMatchFunding, BidIntervention]),
    AuditModule,
    NotificationsModule,
    TasksModule,
    OrganisationsModule,
    RoundsModule,
    UsersModule,
  ],
  controllers: [BidsController, BidEndorsementController],
  providers: [
    BidStore,
    BidAssessmentStore,
    BidEndorsementStore,
    BidListStore,
    BidsService,
    BidEligibilityService,
    BidDraftingService,
    BidSubmissionService,
    BidEndorsementService,
    BidProgressService,
    DraftBidReminders,
    BidTasks,
  ],
  exports: [
    BidsService,
    // Its named reads and locks, for features that check a bid's access themselves (documents).
    BidStore,
    BidProgressService,
    BidDraftingService,
    BidSubmissionService,
    BidEndorsementService,
  ],
})
export class BidsModule {}
