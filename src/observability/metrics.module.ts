import { Global, Module } from '@nestjs/common';
import { BacklogGauges } from './backlog-gauges';
import { MetricsServer } from './metrics-server';
import { MetricsService } from './metrics.service';

// Loaded in every process role: call sites anywhere record through MetricsService.
@Global()
@Module({
  providers: [MetricsService, BacklogGauges, MetricsServer],
  exports: [MetricsService],
})
export class MetricsModule {}
