import { TasksModule } from '../tasks/tasks.module';
import { AssessmentTasks } from './assessment-tasks';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { BidsModule } from '../bids/bids.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { RoundsModule } from '../rounds/rounds.module';
import { UsersModule } from '../users/users.module';
import { AffiliationsService } from './affiliations.service';
import { AssessmentController } from './assessment.controller';
import { AssessmentReminders } from './assessment-reminders';
import { AssessmentOpeningService } from './assessment-opening.service';
import { AssessorAffiliation } from './assessor-affiliation.entity';
import { AssessmentAssignment, AssessmentMark } from './assignment.entity';
import { AffiliationStore } from './affiliation-store';
import { AssignmentStore } from './assignment-store';
import { BidScoreStore } from './bid-score-store';
import { AssignmentViews } from './assignment-views';
import { AssignmentsController } from './assignments.controller';
import { AssignmentsService } from './assignments.service';
import { BidScore } from './bid-score.entity';
import { ModerationService } from './moderation.service';
import { ScoringService } from './scoring.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([AssessorAffiliation, AssessmentAssignment, AssessmentMark, BidScore]),
    AuditModule,
    BidsModule,
    NotificationsModule,
    TasksModule,
    OrganisationsModule,
    RoundsModule,
    UsersModule,
  ],
  controllers: [AssessmentController, AssignmentsController],
  providers: [
    AffiliationsService,
    AssessmentOpeningService,
    AffiliationStore,
    AssignmentStore,
    BidScoreStore,
    AssignmentViews,
    AssignmentsService,
    ScoringService,
    ModerationService,
    AssessmentReminders,
    AssessmentTasks,
  ],
  exports: [AssessmentOpeningService, AssignmentsService, ModerationService, ScoringService],
})
export class AssessmentModule {}
