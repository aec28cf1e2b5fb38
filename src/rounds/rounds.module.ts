import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { AssessmentCriterion } from './assessment-criterion.entity';
import { FundingRound } from './funding-round.entity';
import { RoundYearCap } from './round-year-cap.entity';
import { RoundsController } from './rounds.controller';
import { RoundsService } from './rounds.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([FundingRound, AssessmentCriterion, RoundYearCap]),
    AuditModule,
  ],
  controllers: [RoundsController],
  providers: [RoundsService],
  exports: [RoundsService],
})
export class RoundsModule {}
