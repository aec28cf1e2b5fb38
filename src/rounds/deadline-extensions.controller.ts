import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { auditActor } from '../audit/audit.service';
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { SendsLocation } from '../common/location';
import { ProblemDto } from '../common/problem.dto';
import { UuidParam } from '../common/validation';
import {
  DeadlineExtensionDto,
  DeadlineExtensionListDto,
  GrantDeadlineExtensionDto,
  RevokeDeadlineExtensionDto,
} from './deadline-extension.dto';
import { DeadlineExtensionsService } from './deadline-extensions.service';
import { Refuses } from '../openapi/refusals';
import { EXTENSION_REFUSALS } from './deadline-extension.rules';

@ApiTags('rounds')
@Controller('rounds')
@ApiBadRequestResponse({ type: ProblemDto })
export class DeadlineExtensionsController {
  constructor(private readonly extensions: DeadlineExtensionsService) {}

  @Post(':id/deadline-extensions')
  @SendsLocation(201, '/rounds/{roundId}/deadline-extensions/{organisationId}')
  @Roles('moderator')
  @ApiOperation({
    operationId: 'grantDeadlineExtension',
    summary:
      'Give one organisation a later close time for an open round, or change the one it has (reason required, capped by DEADLINE_EXTENSION_MAX_DAYS)',
  })
  @ApiCreatedResponse({ type: DeadlineExtensionDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'The round is not open for bids, or the organisation’s deadline has passed',
  })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description:
      'Not later than the round’s close, beyond the cap, or an organisation that may not bid',
  })
  @Refuses('email-refused', 'not-found', 'organisation-not-found', ...EXTENSION_REFUSALS)
  grant(
    @CurrentUser() moderator: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: GrantDeadlineExtensionDto,
  ): Promise<DeadlineExtensionDto> {
    return this.extensions.grant(auditActor(moderator), moderator, id, body);
  }

  @Get(':id/deadline-extensions')
  @Roles('moderator', 'admin')
  @ApiOperation({
    operationId: 'listDeadlineExtensions',
    summary: 'The deadline extensions of a round (one at most per organisation), latest first',
  })
  @ApiOkResponse({ type: DeadlineExtensionListDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @Refuses('not-found')
  async list(@UuidParam() id: string): Promise<DeadlineExtensionListDto> {
    return { items: await this.extensions.list(id) };
  }

  @Get(':id/deadline-extensions/:organisationId')
  @Roles('applicant', 'moderator', 'admin')
  @ApiOperation({
    operationId: 'getDeadlineExtension',
    summary:
      'One organisation’s deadline extension for a round (applicants: their own organisation’s only)',
  })
  @ApiOkResponse({ type: DeadlineExtensionDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No extension, or not yours to see' })
  @Refuses('not-found')
  get(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @UuidParam('organisationId') organisationId: string,
  ): Promise<DeadlineExtensionDto> {
    return this.extensions.get(user, id, organisationId);
  }

  @Post(':id/deadline-extensions/:organisationId/revoke')
  @HttpCode(204)
  @Roles('moderator')
  @ApiOperation({
    operationId: 'revokeDeadlineExtension',
    summary:
      'Withdraw an organisation’s deadline extension while the round is open and it still runs',
  })
  @ApiNoContentResponse({ description: 'Revoked: the organisation is held to the round’s close' })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  @Refuses('email-refused', 'not-found', 'organisation-not-found', ...EXTENSION_REFUSALS)
  revoke(
    @CurrentUser() moderator: AuthenticatedUser,
    @UuidParam() id: string,
    @UuidParam('organisationId') organisationId: string,
    @Body() body: RevokeDeadlineExtensionDto,
  ): Promise<void> {
    return this.extensions.revoke(auditActor(moderator), id, organisationId, body.reason);
  }
}
