import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
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
import { PaymentsService } from './payments.service';
import { PaymentDto, PaymentPageDto } from './return-response.dto';
import { PaymentQuery, RecordPaymentDto } from './return.dto';
import { Refuses } from '../openapi/refusals';

@ApiTags('returns')
@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Get()
  @Roles('finance', 'admin')
  @ApiOperation({
    summary: 'Payments in arrears on approved returns, by due date; filter by status and round',
  })
  @ApiOkResponse({ type: PaymentPageDto })
  list(@Query() query: PaymentQuery): Promise<PaymentPageDto> {
    return this.payments.list(query);
  }

  @Get(':id')
  @Roles('finance', 'admin')
  @ApiOperation({ summary: 'A payment, as the list shows it' })
  @ApiOkResponse({ type: PaymentDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'The id is not a UUID' })
  @ApiNotFoundResponse({ type: ProblemDto })
  @Refuses('not-found')
  get(@UuidParam() id: string): Promise<PaymentDto> {
    return this.payments.get(id);
  }

  @Post(':id/record')
  @HttpCode(200)
  @Roles('finance')
  @ApiOperation({
    summary:
      'Record a payment as made, with its date and bank reference; the award completes when its last return is approved and paid',
  })
  @ApiOkResponse({ type: PaymentDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Already recorded as made' })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description: 'A date outside approval–today',
  })
  @Refuses(
    'conflict-of-interest',
    'not-found',
    'payment-already-made',
    'payment-by-return-reviewer',
    'payment-date-invalid',
    'round-closed-out',
  )
  record(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: RecordPaymentDto,
  ): Promise<PaymentDto> {
    return this.payments.record(auditActor(user), user, id, body);
  }
}
