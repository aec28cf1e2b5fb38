import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { auditActor } from '../audit/audit.service';
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { UuidParam } from '../common/validation';
import { EmailOutboxDto, EmailOutboxPageDto, EmailOutboxQuery } from './email-outbox.dto';
import { OutboxService } from './outbox.service';
import { Refuses } from '../openapi/refusals';

// Answers "was the email sent?" for the programme team.
@ApiTags('emails')
@Controller('emails')
@ApiBadRequestResponse({ type: ProblemDto })
export class EmailOutboxController {
  constructor(private readonly outbox: OutboxService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary:
      'List emails, newest first, by status, template, recipient or the object they are about',
  })
  @ApiOkResponse({ type: EmailOutboxPageDto })
  list(@Query() query: EmailOutboxQuery): Promise<EmailOutboxPageDto> {
    return this.outbox.list(query);
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Read one email: its status, attempts and why it last failed' })
  @ApiOkResponse({ type: EmailOutboxDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @Refuses('not-found')
  get(@UuidParam() id: string): Promise<EmailOutboxDto> {
    return this.outbox.get(id);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Send a failed email again, with a fresh set of attempts' })
  @ApiOkResponse({ type: EmailOutboxDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The email has not failed' })
  @Refuses('email-not-failed', 'not-found')
  retry(@CurrentUser() admin: AuthenticatedUser, @UuidParam() id: string): Promise<EmailOutboxDto> {
    return this.outbox.retry(auditActor(admin), id);
  }
}
