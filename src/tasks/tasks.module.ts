import { Module } from '@nestjs/common';
import { TaskRegistry } from './task-registry';
import { TaskStore } from './task-store';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

// "My work": feature modules import this to register their kinds of task.
@Module({
  controllers: [TasksController],
  providers: [TaskRegistry, TaskStore, TasksService],
  exports: [TaskRegistry],
})
export class TasksModule {}
