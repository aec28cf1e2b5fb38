import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
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
import {
  ReadsWithEtag,
  SendsEtag,
  optionalVersionFrom,
  versionFrom,
  withEtag,
} from '../common/versioning';
import { BidDraftingService } from './bid-drafting.service';
import { BidDto, BidPageDto, EligibilityDto } from './bid-response.dto';
import { BidSubmissionService } from './bid-submission.service';
import { BidQuery, CreateBidDto, ReasonDto, UpdateBidDto } from './bid.dto';
import { BidsService } from './bids.service';
import { IdempotencyKeyHeader, idempotencyKeyFrom } from '../common/idempotency';
import { SendsLocation } from '../common/location';
import { Refuses } from '../openapi/refusals';

// Home Office readers of submitted bids; assessors reach bids through their assignments instead.
export const BID_READERS = ['applicant', 'moderator', 'approver', 'finance', 'admin'] as const;

@ApiTags('bids')
@Controller('bids')
@ApiBadRequestResponse({ type: ProblemDto })
export class BidsController {
  constructor(
    private readonly bids: BidsService,
    private readonly drafting: BidDraftingService,
    private readonly submission: BidSubmissionService,
  ) {}

  @Get()
  @Roles(...BID_READERS)
  @ApiOperation({
    summary:
      'List bids, newest first: applicants see their organisation’s (a PCC also its area’s submitted ones); staff see submitted bids',
  })
  @ApiOkResponse({ type: BidPageDto })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: BidQuery): Promise<BidPageDto> {
    return this.bids.list(user, query);
  }

  @Post()
  @SendsLocation(201, '/bids/{id}')
  @SendsEtag(201)
  @Roles('applicant')
  @IdempotencyKeyHeader()
  @ApiOperation({ summary: 'Start a draft bid for an open round, for your organisation' })
  @ApiCreatedResponse({ type: BidDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such published round' })
  @ApiConflictResponse({ type: ProblemDto, description: 'The round is not taking bids now' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'Parts do not fit the round' })
  @Refuses(
    'bid-content-invalid',
    'idempotency-key-reused',
    'not-found',
    'organisation-inactive',
    'round-not-open',
  )
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CreateBidDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BidDto> {
    const bid = await this.drafting.create(auditActor(user), user, body, idempotencyKeyFrom(key));
    return withEtag(reply, bid);
  }

  @Get(':id')
  @ReadsWithEtag()
  @Roles(...BID_READERS)
  @ApiOperation({ summary: 'Read a bid; the ETag is its version' })
  @ApiOkResponse({ type: BidDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @Refuses('not-found')
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BidDto> {
    return withEtag(reply, await this.bids.get(user, id));
  }

  @Patch(':id')
  @SendsEtag()
  @Roles('applicant')
  @ApiOperation({ summary: 'Edit a draft bid; lists that are sent replace the old ones' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The version last read, e.g. "3"' })
  @ApiOkResponse({ type: BidDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'Submitted (frozen), or the round is shut',
  })
  @ApiPreconditionFailedResponse({ type: ProblemDto, description: 'Edited since you read it' })
  @ApiResponse({ status: 428, type: ProblemDto, description: 'If-Match is missing' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  @Refuses(
    'bid-content-invalid',
    'bid-frozen',
    'if-match-invalid',
    'if-match-required',
    'if-match-weak',
    'not-found',
    'round-not-open',
    'version-mismatch',
  )
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateBidDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BidDto> {
    const version = versionFrom(ifMatch, 'bid');
    return withEtag(reply, await this.drafting.update(auditActor(user), user, id, version, body));
  }

  @Get(':id/eligibility')
  @Roles(...BID_READERS)
  @ApiOperation({ summary: 'Every rule of the round the bid fails now, with the numbers' })
  @ApiOkResponse({ type: EligibilityDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @Refuses('not-found')
  eligibility(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
  ): Promise<EligibilityDto> {
    return this.bids.checkEligibility(user, id);
  }

  @Post(':id/submit')
  @BidCommand('Submit a draft: checks every rule and the window, freezes it, emails a receipt')
  @IdempotencyKeyHeader()
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      'The version checked, e.g. "3": a draft changed since is not submitted (412), so what is submitted is what was read',
  })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'Rules failed, one per error' })
  @ApiPreconditionFailedResponse({ type: ProblemDto, description: 'Changed since you checked it' })
  @Refuses(
    'bid-documents-not-ready',
    'bid-ineligible',
    'bid-withdrawn',
    'email-refused',
    'if-match-invalid',
    'if-match-weak',
    'not-found',
    'organisation-inactive',
    'round-not-open',
    'version-mismatch',
  )
  submit(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<BidDto> {
    const version = optionalVersionFrom(ifMatch, 'bid');
    return this.submission.submit(auditActor(user), user, id, new Date(), version);
  }

  @Post(':id/withdraw')
  @BidCommand('Withdraw your bid, with a reason, at any time before a decision')
  @Refuses('bid-not-withdrawable', 'not-found')
  withdraw(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: ReasonDto,
  ): Promise<BidDto> {
    return this.submission.withdraw(auditActor(user), user, id, body.reason);
  }
}

export function BidCommand(summary: string): MethodDecorator {
  return applyDecorators(
    HttpCode(200),
    Roles('applicant'),
    ApiOperation({ summary }),
    ApiOkResponse({ type: BidDto }),
    ApiNotFoundResponse({ type: ProblemDto }),
    ApiConflictResponse({
      type: ProblemDto,
      description: 'The command does not apply to the bid or round as they stand',
    }),
  );
}
