import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, AuthenticatedUser, CurrentUser } from '../common/access';
import { PageQuery } from '../common/pagination';
import { ProblemDto } from '../common/problem.dto';
import { MyNotificationPageDto } from './my-notification.dto';
import { MyNotificationsService } from './my-notifications.service';

@ApiTags('my work')
@Controller('me')
export class MyNotificationsController {
  constructor(private readonly notifications: MyNotificationsService) {}

  @Get('notifications')
  @Authenticated()
  @ApiOperation({
    operationId: 'listMyNotifications',
    summary: 'The emails sent to you, newest first: subject, kind, status, when, and what about',
  })
  @ApiOkResponse({ type: MyNotificationPageDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() page: PageQuery,
  ): Promise<MyNotificationPageDto> {
    return this.notifications.list(user, page);
  }
}
