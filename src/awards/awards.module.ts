import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AssessmentModule } from '../assessment/assessment.module';
import { AuditModule } from '../audit/audit.module';
import { BidsModule } from '../bids/bids.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { RoundsModule } from '../rounds/rounds.module';
import { UsersModule } from '../users/users.module';
import { AwardDecision, AwardLine } from './award.entity';
import { AwardsController } from './awards.controller';
import { DecisionViews } from './decision-views';
import { DecisionsService } from './decisions.service';
import { DueDiligenceCheck } from './due-diligence.entity';
import { DueDiligenceService } from './due-diligence.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([AwardDecision, AwardLine, DueDiligenceCheck]),
    AssessmentModule,
    AuditModule,
    BidsModule,
    OrganisationsModule,
    RoundsModule,
    UsersModule,
  ],
  controllers: [AwardsController],
  providers: [DecisionsService, DecisionViews, DueDiligenceService],
})
export class AwardsModule {}
