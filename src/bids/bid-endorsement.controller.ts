import { Body, Controller, Get, Post, Put } from '@nestjs/common';
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
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { UuidParam } from '../common/validation';
import { BidEndorsementService } from './bid-endorsement.service';
import { AreaRankingResponseDto, BidDto } from './bid-response.dto';
import { AreaRankingDto, ReasonDto } from './bid.dto';
import { BidCommand } from './bids.controller';
import { Refuses } from '../openapi/refusals';

// Endorsing and declining are one decision, refused for the same reasons.
const DECISION_REFUSALS = [
  'bid-not-submitted',
  'email-refused',
  'endorsement-decided',
  'endorsement-not-needed',
  'not-a-pcc',
  'not-found',
  'round-past-endorsement',
] as const;

// The PCC's side: endorsing its area's bids led by others, and ranking the area's bids.
@ApiTags('bids')
@Controller()
@ApiBadRequestResponse({ type: ProblemDto })
export class BidEndorsementController {
  constructor(private readonly endorsement: BidEndorsementService) {}

  @Post('bids/:id/endorse')
  @BidCommand('As the area’s PCC, endorse a submitted bid led by another organisation')
  @Refuses(...DECISION_REFUSALS)
  endorse(@CurrentUser() user: AuthenticatedUser, @UuidParam() id: string): Promise<BidDto> {
    return this.endorsement.decide(auditActor(user), user, id, 'endorsed', null);
  }

  @Post('bids/:id/decline-endorsement')
  @BidCommand('As the area’s PCC, decline to endorse a bid, with a reason for the bidder')
  @Refuses(...DECISION_REFUSALS)
  decline(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: ReasonDto,
  ): Promise<BidDto> {
    return this.endorsement.decide(auditActor(user), user, id, 'declined', body.reason);
  }

  @Get('rounds/:roundId/pcc-ranking')
  @Roles('applicant')
  @ApiOperation({ summary: 'As a PCC, your area’s bids in a round with their ranks' })
  @ApiOkResponse({ type: AreaRankingResponseDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @Refuses('not-a-pcc', 'not-found')
  ranking(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam('roundId') roundId: string,
  ): Promise<AreaRankingResponseDto> {
    return this.endorsement.ranking(user, roundId);
  }

  @Put('rounds/:roundId/pcc-ranking')
  @Roles('applicant')
  @ApiOperation({
    summary: 'As a PCC, rank your area’s endorsed and own submitted bids, highest priority first',
  })
  @ApiOkResponse({ type: AreaRankingResponseDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The round is past ranking' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  @Refuses('not-a-pcc', 'not-found', 'ranking-invalid', 'round-past-endorsement')
  rank(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam('roundId') roundId: string,
    @Body() body: AreaRankingDto,
  ): Promise<AreaRankingResponseDto> {
    return this.endorsement.rank(auditActor(user), user, roundId, body.bidIds);
  }
}
