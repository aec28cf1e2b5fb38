import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { Readiness } from './readiness.service';

// Loaded in every role: the worker's probe server (src/service-process) asks Readiness too.
@Module({ controllers: [HealthController], providers: [Readiness], exports: [Readiness] })
export class HealthModule {}
