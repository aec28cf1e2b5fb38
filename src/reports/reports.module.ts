import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RoundsModule } from '../rounds/rounds.module';
import { ExportsController } from './exports.controller';
import { ExportStore } from './export-store';
import { ExportsService } from './exports.service';
import { OpenDataController } from './open-data.controller';
import { OpenDataService } from './open-data.service';
import { ReportExport } from './report-export.entity';
import { ReportsController } from './reports.controller';
import { SpendCacheService } from './spend-cache.service';
import { SpendReportTemplates } from './spend-html';
import { SpendSummaryService } from './spend-summary.service';

// Round-level spend summaries for finance and the programme, read from the returns' records,
// exported as files by the worker; and the awards published as 360Giving open data.
@Module({
  imports: [TypeOrmModule.forFeature([ReportExport]), AuditModule, RoundsModule],
  controllers: [ReportsController, ExportsController, OpenDataController],
  providers: [
    ExportsService,
    ExportStore,
    OpenDataService,
    SpendCacheService,
    SpendSummaryService,
    // Compiled at start, so a broken report template stops the start, not an export.
    {
      provide: SpendReportTemplates,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => SpendReportTemplates.load(config.reportsDir),
    },
  ],
  exports: [SpendCacheService, SpendSummaryService, SpendReportTemplates],
})
export class ReportsModule {}
