import { Body, Controller, Get, Headers, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { auditActor } from '../audit/audit.service';
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { UuidParam } from '../common/validation';
import { ReadsWithEtag, SendsEtag, versionFrom, withEtag } from '../common/versioning';
import { AwardPositionDto, ReturnDto, ReturnPageDto } from './return-response.dto';
import { ReturnReviewService } from './return-review.service';
import { ApproveReturnDto, RequestChangesDto, ReturnQuery, SaveReturnDto } from './return.dto';
import { ReturnsService } from './returns.service';
import { Refuses } from '../openapi/refusals';

// The bidder (their organisation's) and Home Office staff other than assessors.
// Who may read returns (their own organisation's, for applicants).
export const RETURN_READERS = ['applicant', 'approver', 'moderator', 'finance', 'admin'] as const;

@ApiTags('returns')
@Controller()
@ApiNotFoundResponse({
  type: ProblemDto,
  description: 'No such return or award, or one of another organisation',
})
export class ReturnsController {
  constructor(
    private readonly returns: ReturnsService,
    private readonly review: ReturnReviewService,
  ) {}

  @Get('returns')
  @Roles(...RETURN_READERS)
  @ApiOperation({
    summary:
      'List quarterly returns by due date: applicants see their organisation’s; filter by round, award or status (`overdue` = past due and not sent)',
  })
  @ApiOkResponse({ type: ReturnPageDto })
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ReturnQuery,
  ): Promise<ReturnPageDto> {
    return this.returns.list(user, query);
  }

  @Get('returns/:id')
  @ReadsWithEtag()
  @Roles(...RETURN_READERS)
  @ApiOperation({
    summary:
      'A return: its draft, variance against profile, what stops submission, every submission with its review, and its payment. The ETag is its version',
  })
  @ApiOkResponse({ type: ReturnDto })
  @Refuses('not-found', 'round-closed-out')
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReturnDto> {
    return withEtag(reply, await this.returns.get(user, id));
  }

  @Patch('returns/:id')
  @SendsEtag()
  @Roles('applicant')
  @ApiOperation({
    summary: 'Save the draft; fields sent replace what was saved, the rest stay',
  })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The version last read, e.g. "3"' })
  @ApiOkResponse({ type: ReturnDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Submitted (frozen), or award not active' })
  @ApiPreconditionFailedResponse({ type: ProblemDto, description: 'Edited since you read it' })
  @ApiResponse({ status: 428, type: ProblemDto, description: 'If-Match is missing' })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description: 'Spend, forecast or outputs break a rule',
  })
  @Refuses(
    'award-not-active',
    'if-match-invalid',
    'if-match-required',
    'if-match-weak',
    'not-found',
    'return-draft-invalid',
    'return-frozen',
    'round-closed-out',
    'version-mismatch',
  )
  async save(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: SaveReturnDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReturnDto> {
    const version = versionFrom(ifMatch, 'return');
    return withEtag(reply, await this.returns.save(auditActor(user), user, id, version, body));
  }

  @Post('returns/:id/submit')
  @SendsEtag()
  @HttpCode(200)
  @Roles('applicant')
  @ApiOperation({
    summary:
      'Submit the draft to finance, frozen as a numbered submission: the quarter must be over, earlier returns sent, and every rule met',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The version read; with it, a draft changed since is not sent (412)',
  })
  @ApiOkResponse({ type: ReturnDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description:
      'Already submitted, award not active, or evidence still waiting for its virus scan',
  })
  @ApiPreconditionFailedResponse({ type: ProblemDto, description: 'Edited since you read it' })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description: 'Every rule it breaks, with the numbers',
  })
  @Refuses(
    'award-not-active',
    'if-match-invalid',
    'if-match-required',
    'if-match-weak',
    'not-found',
    'return-documents-not-ready',
    'return-frozen',
    'return-not-submittable',
    'round-closed-out',
    'version-mismatch',
  )
  async submit(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReturnDto> {
    const version = ifMatch === undefined ? undefined : versionFrom(ifMatch, 'return');
    return withEtag(reply, await this.returns.submit(auditActor(user), user, id, version));
  }

  @Post('returns/:id/approve')
  @HttpCode(200)
  @Roles('finance')
  @ApiOperation({
    summary:
      'Approve a submitted return (all of the claim, or less with a comment): the approved spend is payable in arrears and a payment to make is created',
  })
  @ApiOkResponse({ type: ReturnDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not waiting for review' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  @Refuses(
    'approval-invalid',
    'award-not-active',
    'conflict-of-interest',
    'email-refused',
    'not-found',
    'return-not-submitted',
    'round-closed-out',
    'submission-changed',
  )
  approve(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: ApproveReturnDto,
  ): Promise<ReturnDto> {
    return this.review.approve(auditActor(user), user, id, body);
  }

  @Post('returns/:id/request-changes')
  @HttpCode(200)
  @Roles('finance')
  @ApiOperation({
    summary: 'Send a submitted return back to the bidder with comments; the submission is kept',
  })
  @ApiOkResponse({ type: ReturnDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not waiting for review' })
  @Refuses(
    'award-not-active',
    'conflict-of-interest',
    'email-refused',
    'not-found',
    'return-not-submitted',
    'round-closed-out',
    'submission-changed',
  )
  requestChanges(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: RequestChangesDto,
  ): Promise<ReturnDto> {
    return this.review.requestChanges(auditActor(user), user, id, body);
  }

  @Get('awards/:id/position')
  @Roles(...RETURN_READERS)
  @ApiOperation({
    summary:
      'Where an award stands per financial year and capital/revenue: awarded, claimed, approved, paid, released at year end, remaining; and its returns, overdue ones flagged',
  })
  @ApiOkResponse({ type: AwardPositionDto })
  @Refuses('not-found', 'round-closed-out')
  position(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
  ): Promise<AwardPositionDto> {
    return this.returns.position(user, id);
  }
}
