import { Module } from '@nestjs/common';
import { SystemProcessor } from './system.processor';

// Loaded only by processes whose role includes the worker: it holds the BullMQ consumers.
@Module({ providers: [SystemProcessor] })
export class WorkerModule {}
