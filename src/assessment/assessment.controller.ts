import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { auditActor } from '../audit/audit.service';
import { BidDto } from '../bids/bid-response.dto';
import { ReasonDto } from '../bids/bid.dto';
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { UuidParam } from '../common/validation';
import { AssessmentOpeningService } from './assessment-opening.service';
import { AssignDto, AutoAssignDto, ModerationDto, StartAssessmentDto } from './assessment.dto';
import {
  AssessmentOpeningDto,
  AssignmentDto,
  AutoAssignmentDto,
  BidAssessmentsDto,
  BidScoreDto,
  RankingDto,
} from './assessment-response.dto';
import { AssignmentsService } from './assignments.service';
import { ModerationService } from './moderation.service';
import { ScoringService } from './scoring.service';
import { SendsLocation } from '../common/location';
import { Refuses } from '../openapi/refusals';

// The moderator's side of assessment: opening it, assigning, moderating and ranking.
@ApiTags('assessment')
@Controller()
@ApiBadRequestResponse({ type: ProblemDto })
@ApiNotFoundResponse({ type: ProblemDto })
export class AssessmentController {
  constructor(
    private readonly opening: AssessmentOpeningService,
    private readonly assignments: AssignmentsService,
    private readonly scoring: ScoringService,
    private readonly moderation: ModerationService,
  ) {}

  @Post('rounds/:id/start-assessment')
  @HttpCode(200)
  @Roles('admin', 'moderator')
  @ApiOperation({
    summary:
      'Move a closed round into assessment with its scoring deadline: endorsed and PCC bids go to assessment, bids never endorsed fail eligibility',
  })
  @ApiOkResponse({ type: AssessmentOpeningDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The round is not closed' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'The deadline has passed' })
  @Refuses(
    'assessment-deadline-past',
    'deadline-extensions-running',
    'not-found',
    'round-command-refused',
    'round-settings-inconsistent',
  )
  start(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: StartAssessmentDto,
  ): Promise<AssessmentOpeningDto> {
    return this.opening.start(auditActor(user), id, new Date(body.assessmentDueAt));
  }

  @Post('bids/:id/fail-eligibility')
  @HttpCode(200)
  @Roles('moderator')
  @ApiOperation({ summary: 'Mark a submitted bid as failing eligibility, with the reason' })
  @ApiOkResponse({ type: BidDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The bid or round is past that point' })
  @Refuses('bid-not-failable', 'conflict-of-interest', 'not-found', 'round-not-in-assessment')
  failEligibility(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: ReasonDto,
  ): Promise<BidDto> {
    return this.opening.failEligibility(auditActor(user), id, body.reason);
  }

  @Post('rounds/:id/assignments/auto')
  @HttpCode(200)
  @Roles('moderator')
  @ApiOperation({
    summary:
      'Assign assessors (the panel given, or every active assessor) to every bid in assessment up to the round’s number per bid, balancing load and avoiding declared affiliations',
  })
  @ApiOkResponse({ type: AutoAssignmentDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The round is not in assessment' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'Not an active assessor' })
  @Refuses('email-refused', 'not-an-assessor', 'not-found', 'round-not-in-assessment')
  autoAssign(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: AutoAssignDto,
  ): Promise<AutoAssignmentDto> {
    return this.assignments.autoAssign(auditActor(user), user, id, body.assessorIds);
  }

  @Post('bids/:id/assignments')
  @SendsLocation(201, '/assignments/{id}')
  @Roles('moderator')
  @ApiOperation({ summary: 'Assign one assessor to a bid in assessment' })
  @ApiCreatedResponse({ type: AssignmentDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'Affiliated, already assigned, conflicted before, or the bid has its assessors',
  })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'Not an active assessor' })
  @Refuses(
    'already-assigned',
    'assessor-affiliated',
    'bid-already-scored',
    'bid-fully-assigned',
    'bid-not-in-assessment',
    'conflict-of-interest',
    'email-refused',
    'not-an-assessor',
    'not-found',
    'round-not-in-assessment',
  )
  assign(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: AssignDto,
  ): Promise<AssignmentDto> {
    return this.assignments.assign(auditActor(user), user, id, body.assessorId);
  }

  @Get('bids/:id/assessments')
  @Roles('moderator', 'assessor')
  @ApiOperation({
    summary:
      'A bid’s submitted assessments with their marks and its score; an assessor sees them only after submitting their own',
  })
  @ApiOkResponse({ type: BidAssessmentsDto })
  @ApiConflictResponse({ type: ProblemDto })
  @Refuses('assessment-blind', 'not-found')
  assessments(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
  ): Promise<BidAssessmentsDto> {
    return this.scoring.bidAssessments(user, id);
  }

  @Get('rounds/:id/scores')
  @Roles('moderator', 'admin')
  @ApiOperation({
    summary: 'Every bid in assessment with its mean, spread, divergence flag and final score',
  })
  @ApiOkResponse({ type: [BidScoreDto] })
  @Refuses('not-found')
  scores(@UuidParam() id: string): Promise<BidScoreDto[]> {
    return this.moderation.scores(id);
  }

  @Post('bids/:id/moderation')
  @HttpCode(200)
  @Roles('moderator')
  @ApiOperation({
    summary:
      'Set a bid’s final score: accept the assessors’ mean, or set a moderated score with a reason',
  })
  @ApiOkResponse({ type: BidScoreDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Assessments outstanding, or too late' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  @Refuses(
    'bid-not-in-assessment',
    'bid-not-ready-for-moderation',
    'conflict-of-interest',
    'not-found',
    'round-not-in-assessment',
    'score-invalid',
  )
  moderate(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: ModerationDto,
  ): Promise<BidScoreDto> {
    return this.moderation.moderate(auditActor(user), id, body);
  }

  @Get('rounds/:id/ranking')
  @Roles('moderator', 'approver', 'admin')
  @ApiOperation({
    summary:
      'Bids by final score (ties: earlier submission, then reference) with a running total against the budget',
  })
  @ApiOkResponse({ type: RankingDto })
  @Refuses('not-found')
  ranking(@UuidParam() id: string): Promise<RankingDto> {
    return this.moderation.ranking(id);
  }
}
