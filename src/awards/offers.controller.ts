import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { auditActor } from '../audit/audit.service';
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { UuidParam } from '../common/validation';
import { optionalVersionFrom } from '../common/versioning';
import { AwardList } from './award-list';
import { AWARD_READERS } from './award-lifecycle';
import { AwardPageDto, AwardQuery } from './award-list.dto';
import { AcceptOfferDto, AwardDto, CloseAwardDto, OutcomeDto } from './offer.dto';
import { OffersService } from './offers.service';
import { SendsAttachment } from '../common/response-headers';
import { Refuses } from '../openapi/refusals';

// The bidder's side of a decision: the outcome, the offer letter, acceptance or refusal.
@ApiTags('awards')
@Controller()
@ApiNotFoundResponse({
  type: ProblemDto,
  description: 'No such award or bid, or one of another organisation, or not yet published',
})
export class OffersController {
  constructor(
    private readonly offers: OffersService,
    private readonly awards: AwardList,
  ) {}

  @Get('awards')
  @Roles(...AWARD_READERS)
  @ApiOperation({
    operationId: 'listAwards',
    summary:
      'List awards with their amounts, offer deadline and next return due: applicants see their organisation’s published awards, staff every award; filter by round and status, sort, search by reference, title or organisation',
  })
  @ApiOkResponse({ type: AwardPageDto })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: 'A filter, sort or q that is not allowed',
  })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: AwardQuery): Promise<AwardPageDto> {
    return this.awards.list(user, query);
  }

  @Get('bids/:id/outcome')
  @Roles(...AWARD_READERS)
  @ApiOperation({
    summary:
      'The bid’s outcome (award and its amounts, or the reason and feedback), once the round’s outcomes are published',
  })
  @ApiOkResponse({ type: OutcomeDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Outcomes not published yet' })
  @Refuses('not-found', 'outcome-not-published')
  outcome(@CurrentUser() user: AuthenticatedUser, @UuidParam() id: string): Promise<OutcomeDto> {
    return this.offers.outcome(user, id);
  }

  @Get('awards/:id')
  @Roles(...AWARD_READERS)
  @ApiOperation({ summary: 'An award: the offer, its acceptance and the quarterly returns owed' })
  @ApiOkResponse({ type: AwardDto })
  @Refuses('not-found')
  get(@CurrentUser() user: AuthenticatedUser, @UuidParam() id: string): Promise<AwardDto> {
    return this.offers.get(user, id);
  }

  @Get('awards/:id/offer-letter')
  @SendsAttachment('attachment; filename="grant-offer-<reference>.html"')
  @Roles(...AWARD_READERS)
  @ApiOperation({
    summary:
      'Download the grant offer letter (printable HTML): parties, amounts per financial year as offered and accepted (not as varied since), conditions, eligible expenditure, reporting, deadline',
  })
  @ApiOkResponse({
    description: 'The letter, as an HTML attachment',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  @ApiConflictResponse({ type: ProblemDto, description: 'Outcomes not published yet' })
  @Refuses('not-found', 'offer-not-made')
  async letter(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { filename, html } = await this.offers.letter(user, id);
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`);
    return html;
  }

  @Post('awards/:id/accept')
  @HttpCode(200)
  @Roles('applicant')
  @ApiOperation({
    summary:
      'Accept the offer before its deadline, naming who signs: the award becomes active and its quarterly returns are scheduled',
  })
  @ApiOkResponse({ type: AwardDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not an open offer, or it has lapsed' })
  @AnswersReadVersion()
  @Refuses(
    'email-refused',
    'if-match-invalid',
    'if-match-weak',
    'not-found',
    'offer-expired',
    'offer-not-open',
    'round-closed-out',
    'version-mismatch',
  )
  accept(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: AcceptOfferDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<AwardDto> {
    const version = optionalVersionFrom(ifMatch, 'award');
    return this.offers.accept(auditActor(user), user, id, body, new Date(), version);
  }

  @Post('awards/:id/decline')
  @HttpCode(200)
  @Roles('applicant')
  @ApiOperation({
    summary: 'Decline the offer, with a reason: its money goes back to the round',
  })
  @ApiOkResponse({ type: AwardDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not an open offer, or it has lapsed' })
  @AnswersReadVersion()
  @Refuses(
    'email-refused',
    'if-match-invalid',
    'if-match-weak',
    'not-found',
    'offer-expired',
    'offer-not-open',
    'version-mismatch',
  )
  decline(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: CloseAwardDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<AwardDto> {
    const version = optionalVersionFrom(ifMatch, 'award');
    return this.offers.decline(auditActor(user), user, id, body, new Date(), version);
  }

  @Post('awards/:id/withdraw')
  @HttpCode(200)
  @Roles('approver', 'admin')
  @ApiOperation({
    summary:
      'Withdraw a published award (a lapsed offer, a breach of terms), with a reason: its money goes back to the round and returns not yet approved are cancelled',
  })
  @ApiOkResponse({ type: AwardDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Already declined, withdrawn or done' })
  @Refuses('award-not-withdrawable', 'email-refused', 'not-found')
  withdraw(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: CloseAwardDto,
  ): Promise<AwardDto> {
    return this.offers.withdraw(auditActor(user), user, id, body);
  }
}

// An answer to an offer may name the award version it was given on: an award changed since
// (its deadline, its amounts, or answered already) is refused (412), so what is answered is what
// was read. Without If-Match the answer is taken as before.
function AnswersReadVersion(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: false,
      description:
        'The award version read, e.g. "3": an award changed since is not answered (412), so what is answered is what was read',
    }),
    ApiPreconditionFailedResponse({ type: ProblemDto, description: 'Changed since you read it' }),
  );
}
