import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { auditActor } from '../audit/audit.service';
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { UuidParam } from '../common/validation';
import { DecisionDto, DueDiligenceDto, SecondApprovalDto } from './award.dto';
import {
  DecisionResponseDto,
  DueDiligenceCheckDto,
  FundingLineDto,
  RoundDecisionsDto,
} from './award-response.dto';
import { DecisionsService } from './decisions.service';
import { DueDiligenceService } from './due-diligence.service';
import { PublicationDto } from './offer.dto';
import { OutcomePublicationService } from './outcome-publication.service';
import { SendsLocation } from '../common/location';
import { Refuses } from '../openapi/refusals';

// Award decisions within the budget, second approvals, and the due diligence they rest on.
@ApiTags('awards')
@Controller()
@ApiBadRequestResponse({ type: ProblemDto })
@ApiNotFoundResponse({ type: ProblemDto })
export class AwardsController {
  constructor(
    private readonly decisions: DecisionsService,
    private readonly dueDiligence: DueDiligenceService,
    private readonly publication: OutcomePublicationService,
  ) {}

  @Get('rounds/:id/funding-line')
  @Roles('approver', 'moderator', 'admin')
  @ApiOperation({
    summary:
      'A suggestion: ranked bids above the quality threshold funded in order until the budget runs out, and the first that does not fit',
  })
  @ApiOkResponse({ type: FundingLineDto })
  @Refuses('not-found')
  fundingLine(@UuidParam() id: string): Promise<FundingLineDto> {
    return this.decisions.fundingLine(id);
  }

  @Post('bids/:id/decision')
  @SendsLocation(201, '/decisions/{id}')
  @Roles('approver')
  @ApiOperation({
    summary:
      'Award a finally scored bid (amounts per financial year and kind, conditions) within the budget, or reject it with a reason and feedback',
  })
  @ApiCreatedResponse({ type: DecisionResponseDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'Not finally scored, already decided, over budget, or outcomes published',
  })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description: 'Amounts beyond the request, or due diligence missing, red or amber unexplained',
  })
  @Refuses(
    'award-lines-invalid',
    'bid-already-decided',
    'bid-not-finally-scored',
    'budget-exceeded',
    'conflict-of-interest',
    'due-diligence-amber',
    'due-diligence-missing',
    'due-diligence-red',
    'not-found',
    'outcomes-published',
    'round-not-in-assessment',
  )
  decide(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: DecisionDto,
  ): Promise<DecisionResponseDto> {
    return this.decisions.decide(auditActor(user), user, id, body);
  }

  @Post('rounds/:id/publish-outcomes')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Publish the round’s decisions: bids become awarded or unsuccessful, every bidder is emailed, offers get their acceptance deadline, and the round is decided',
  })
  @ApiOkResponse({ type: PublicationDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description:
      'Bids still without a final score, a decision, or a second approval; or already published',
  })
  @Refuses(
    'bid-not-decidable',
    'deadline-extensions-running',
    'email-refused',
    'not-found',
    'outcomes-not-ready',
    'outcomes-published',
    'round-command-refused',
    'round-not-in-assessment',
    'round-settings-inconsistent',
  )
  publishOutcomes(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
  ): Promise<PublicationDto> {
    return this.publication.publish(auditActor(user), id);
  }

  @Get('rounds/:id/decisions')
  @Roles('approver', 'moderator', 'finance', 'admin')
  @ApiOperation({ summary: 'The round’s standing decisions and the money they hold' })
  @ApiOkResponse({ type: RoundDecisionsDto })
  @Refuses('not-found')
  roundDecisions(@UuidParam() id: string): Promise<RoundDecisionsDto> {
    return this.decisions.roundDecisions(id);
  }

  @Get('decisions/:id')
  @Roles('approver', 'moderator', 'finance', 'admin')
  @ApiOperation({ summary: 'One decision' })
  @ApiOkResponse({ type: DecisionResponseDto })
  @Refuses('not-found')
  get(@UuidParam() id: string): Promise<DecisionResponseDto> {
    return this.decisions.get(id);
  }

  @Post('decisions/:id/second-approval')
  @HttpCode(200)
  @Roles('approver')
  @ApiOperation({
    summary:
      'As an approver other than the first, confirm an award above the approval threshold, or decline to with a reason',
  })
  @ApiOkResponse({ type: DecisionResponseDto })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'You made the award' })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not awaiting a second approval' })
  @Refuses(
    'conflict-of-interest',
    'not-awaiting-second-approval',
    'not-found',
    'outcomes-published',
    'round-not-in-assessment',
    'second-approver-must-differ',
  )
  secondApproval(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: SecondApprovalDto,
  ): Promise<DecisionResponseDto> {
    return this.decisions.secondApproval(auditActor(user), user, id, body);
  }

  @Post('organisations/:id/due-diligence')
  @SendsLocation(201, '/organisations/{organisationId}/due-diligence')
  @Roles('finance', 'moderator')
  @ApiOperation({
    summary: 'Record a due-diligence result (red, amber, green) for an organisation',
  })
  @ApiCreatedResponse({ type: DueDiligenceCheckDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'A date in the future' })
  @Refuses('conflict-of-interest', 'due-diligence-invalid', 'not-found')
  recordDueDiligence(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: DueDiligenceDto,
  ): Promise<DueDiligenceCheckDto> {
    return this.dueDiligence.record(auditActor(user), user, id, body);
  }

  @Get('organisations/:id/due-diligence')
  @Roles('finance', 'moderator', 'approver', 'admin')
  @ApiOperation({
    summary: 'An organisation’s due-diligence results, latest (the one that counts) first',
  })
  @ApiOkResponse({ type: [DueDiligenceCheckDto] })
  @Refuses('not-found')
  dueDiligenceHistory(@UuidParam() id: string): Promise<DueDiligenceCheckDto[]> {
    return this.dueDiligence.history(id);
  }
}
