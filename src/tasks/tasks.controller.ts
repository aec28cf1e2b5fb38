import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, AuthenticatedUser, CurrentUser } from '../common/access';
import { TaskListDto, TaskListQuery } from './task.dto';
import { TasksService } from './tasks.service';

@ApiTags('my work')
@Controller('me')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get('tasks')
  @Authenticated()
  @ApiOperation({
    operationId: 'listMyTasks',
    summary:
      'What you must do next, most urgent first: your organisation’s drafts, offers and returns, or your assessments, moderation, approvals, reviews and payments',
  })
  @ApiOkResponse({ type: TaskListDto })
  // The query is only validated: it has no parameters to read.
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() _query: TaskListQuery,
  ): Promise<TaskListDto> {
    return this.tasks.list(user);
  }
}
