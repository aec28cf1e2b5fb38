import { Module } from '@nestjs/common';
import { RoundsModule } from '../rounds/rounds.module';
import { ReportsController } from './reports.controller';
import { SpendSummaryService } from './spend-summary.service';

// Round-level spend summaries for finance and the programme, read from the returns' records.
@Module({
  imports: [RoundsModule],
  controllers: [ReportsController],
  providers: [SpendSummaryService],
  exports: [SpendSummaryService],
})
export class ReportsModule {}
