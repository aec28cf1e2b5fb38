import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { auditActor } from '../audit/audit.service';
import { BidDto } from '../bids/bid-response.dto';
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { UuidParam } from '../common/validation';
import { AffiliationsService } from './affiliations.service';
import {
  AffiliationsDto,
  AssessorQuery,
  AssignmentQuery,
  DeclarationDto,
  MarksDto,
} from './assessment.dto';
import { AssessorDto, AssignmentDto, AssignmentPageDto } from './assessment-response.dto';
import { AssignmentsService } from './assignments.service';
import { ScoringService } from './scoring.service';
import { Refuses } from '../openapi/refusals';

// The assessor's side: their assignments, declarations, marks, and declared affiliations.
@ApiTags('assessment')
@Controller()
@ApiBadRequestResponse({ type: ProblemDto })
export class AssignmentsController {
  constructor(
    private readonly assignments: AssignmentsService,
    private readonly scoring: ScoringService,
    private readonly affiliations: AffiliationsService,
  ) {}

  @Get('assignments')
  @Roles('assessor', 'moderator')
  @ApiOperation({ summary: 'Assignments: an assessor’s own, or any for a moderator' })
  @ApiOkResponse({ type: AssignmentPageDto })
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: AssignmentQuery,
  ): Promise<AssignmentPageDto> {
    return this.assignments.list(user, query);
  }

  @Get('assignments/:id')
  @Roles('assessor', 'moderator')
  @ApiOperation({ summary: 'One assignment with the marks saved so far' })
  @ApiOkResponse({ type: AssignmentDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @Refuses('not-found')
  get(@CurrentUser() user: AuthenticatedUser, @UuidParam() id: string): Promise<AssignmentDto> {
    return this.assignments.get(user, id);
  }

  @Post('assignments/:id/declaration')
  @HttpCode(200)
  @Roles('assessor')
  @ApiOperation({
    summary:
      'Declare no conflict of interest (then read and mark the bid) or a conflict with a reason (the assignment ends and moderators are told)',
  })
  @ApiOkResponse({ type: AssignmentDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Already declared' })
  @Refuses(
    'affiliation-declared',
    'already-declared',
    'bid-not-in-assessment',
    'email-refused',
    'not-found',
    'round-not-in-assessment',
  )
  declare(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: DeclarationDto,
  ): Promise<AssignmentDto> {
    return this.assignments.declare(auditActor(user), user, id, body);
  }

  @Get('assignments/:id/bid')
  @Roles('assessor', 'moderator')
  @ApiOperation({ summary: 'The bid as submitted; an assessor reads it once declared' })
  @ApiOkResponse({ type: BidDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'No declaration yet, or a conflict' })
  @Refuses('assignment-conflicted', 'declaration-required', 'not-found')
  bid(@CurrentUser() user: AuthenticatedUser, @UuidParam() id: string): Promise<BidDto> {
    return this.scoring.readBid(user, id);
  }

  @Put('assignments/:id/marks')
  @Roles('assessor')
  @ApiOperation({
    summary: 'Save marks and justifications; change them freely until you submit',
  })
  @ApiOkResponse({ type: AssignmentDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not declared, or already submitted' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'A mark breaks a rule' })
  @Refuses(
    'assessment-submitted',
    'assignment-conflicted',
    'bid-not-in-assessment',
    'conflict-of-interest',
    'declaration-required',
    'marks-invalid',
    'not-found',
    'round-not-in-assessment',
  )
  saveMarks(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: MarksDto,
  ): Promise<AssignmentDto> {
    return this.scoring.saveMarks(auditActor(user), user, id, body);
  }

  @Post('assignments/:id/submit')
  @HttpCode(200)
  @Roles('assessor')
  @ApiOperation({ summary: 'Submit the assessment: final, with a mark on every criterion' })
  @ApiOkResponse({ type: AssignmentDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not declared, or already submitted' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'Criteria left unmarked' })
  @Refuses(
    'assessment-incomplete',
    'assessment-submitted',
    'assignment-conflicted',
    'bid-not-in-assessment',
    'conflict-of-interest',
    'declaration-required',
    'email-refused',
    'not-found',
    'round-not-in-assessment',
  )
  submit(@CurrentUser() user: AuthenticatedUser, @UuidParam() id: string): Promise<AssignmentDto> {
    return this.scoring.submit(auditActor(user), user, id);
  }

  @Get('assessors')
  @Roles('moderator', 'admin')
  @ApiOperation({ summary: 'Active assessors with their declared affiliations and load' })
  @ApiOkResponse({ type: [AssessorDto] })
  assessors(@Query() query: AssessorQuery): Promise<AssessorDto[]> {
    return this.affiliations.assessors(query.roundId);
  }

  @Get('assessors/me')
  @Roles('assessor')
  @ApiOperation({ summary: 'Your declared affiliations and open assignments' })
  @ApiOkResponse({ type: AssessorDto })
  me(@CurrentUser() user: AuthenticatedUser): Promise<AssessorDto> {
    return this.affiliations.mine(user);
  }

  @Put('assessors/me/affiliations')
  @Roles('assessor')
  @ApiOperation({
    summary:
      'Declare the organisations and force areas you are tied to; you are never given their bids',
  })
  @ApiOkResponse({ type: AssessorDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'Unknown organisation or area' })
  @Refuses('affiliation-unknown')
  declareAffiliations(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: AffiliationsDto,
  ): Promise<AssessorDto> {
    return this.affiliations.replaceMine(auditActor(user), user, body);
  }
}
