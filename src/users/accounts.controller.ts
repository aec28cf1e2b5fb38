import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../common/access';
import { BodyLimit, SMALL_BODY_LIMIT } from '../common/body-limit';
import { ProblemDto } from '../common/problem.dto';
import {
  AcceptInvitationDto,
  PasswordResetRequestDto,
  PasswordResetRequestedDto,
} from './account.dto';
import { Invitations } from './invitations';
import { PasswordResets } from './password-resets';
import { UserDto } from './user.dto';
import { ApiRateLimitedResponse } from '../common/rate-limit';
import { AcceptedWithoutLocation } from '../common/location';
import { NeedsRedis } from '../queues/needs-redis.guard';
import { Refuses } from '../openapi/refusals';

// What a person does from the links in their email, before they can sign in.
@ApiTags('auth')
@Controller('auth')
@ApiBadRequestResponse({ type: ProblemDto })
@ApiPayloadTooLargeResponse({ type: ProblemDto, description: 'A body over 16 KiB' })
export class AccountsController {
  constructor(
    private readonly invitations: Invitations,
    private readonly resets: PasswordResets,
  ) {}

  @Post('invitations/accept')
  @HttpCode(200)
  @Public()
  @BodyLimit(SMALL_BODY_LIMIT)
  @ApiOperation({
    summary:
      'Accept an invitation: choose a password with the token from the invitation email, then sign in with POST /auth/login',
  })
  @ApiOkResponse({ type: UserDto, description: 'The account, now active' })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: 'An unacceptable password, or a token that is unknown, expired, used or replaced',
  })
  @Refuses('invitation-token-invalid', 'not-found')
  accept(@Body() body: AcceptInvitationDto): Promise<UserDto> {
    return this.invitations.accept(body.token, body.password);
  }

  @Post('password-reset')
  @NeedsRedis()
  @AcceptedWithoutLocation()
  @HttpCode(202)
  @Public()
  @BodyLimit(SMALL_BODY_LIMIT)
  @ApiOperation({
    summary:
      'Ask for a password reset link: the same answer whether or not an account uses the email; if one does, the link is emailed to it',
  })
  @ApiAcceptedResponse({ type: PasswordResetRequestedDto })
  @ApiRateLimitedResponse(
    'Too many requests for this email, or from this address; Retry-After says how many seconds to wait',
  )
  @ApiServiceUnavailableResponse({ type: ProblemDto, description: 'Redis is not answering' })
  @Refuses('password-reset-unavailable', 'too-many-requests')
  async requestReset(
    @Body() body: PasswordResetRequestDto,
    @Ip() address: string,
  ): Promise<PasswordResetRequestedDto> {
    await this.resets.request({ email: body.email, address });
    return {
      message:
        'If an account uses this email, a link to reset its password is on its way. It works once, for a short time.',
    };
  }
}
