import { Module } from '@nestjs/common';
import { RoundsModule } from '../rounds/rounds.module';
import { OpenDataController } from './open-data.controller';
import { OpenDataService } from './open-data.service';
import { ReportsController } from './reports.controller';
import { SpendSummaryService } from './spend-summary.service';

// Round-level spend summaries for finance and the programme, read from the returns' records,
// and the awards published as 360Giving open data.
@Module({
  imports: [RoundsModule],
  controllers: [ReportsController, OpenDataController],
  providers: [OpenDataService, SpendSummaryService],
  exports: [SpendSummaryService],
})
export class ReportsModule {}
