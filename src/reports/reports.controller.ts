import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { UuidParam } from '../common/validation';
import { SpendSummaryDto, SpendSummaryQuery } from './spend-summary.dto';
import { SpendSummaryService } from './spend-summary.service';
import { Refuses } from '../openapi/refusals';

@ApiTags('reports')
@Controller()
export class ReportsController {
  constructor(private readonly summaries: SpendSummaryService) {}

  @Get('rounds/:id/spend-summary')
  @Roles('finance', 'admin', 'moderator', 'approver')
  @ApiOperation({
    summary:
      'The round’s spend as at a moment: per award, financial year, quarter and capital/revenue (awarded, claimed, approved, paid, forecast, released, remaining, variance, flags), with totals by round, force area, applicant type and year',
  })
  @ApiOkResponse({ type: SpendSummaryDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'asAt in the future' })
  @Refuses('as-at-in-future', 'not-found')
  spendSummary(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Query() query: SpendSummaryQuery,
  ): Promise<SpendSummaryDto> {
    return this.summaries.summary(user, id, query);
  }
}
