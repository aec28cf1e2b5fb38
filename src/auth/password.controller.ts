import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated, AuthenticatedUser, CurrentUser, Public } from '../common/access';
import { BodyLimit, SMALL_BODY_LIMIT } from '../common/body-limit';
import { ProblemDto } from '../common/problem.dto';
import { ChangePasswordDto, CompletePasswordResetDto } from '../users/account.dto';
import { PasswordResets } from '../users/password-resets';
import { Passwords } from '../users/passwords';
import { LoginLimiter } from './login-limiter';
import { ApiRateLimitedResponse } from '../common/rate-limit';
import { NeedsRedis } from '../queues/needs-redis.guard';
import { Refuses } from '../openapi/refusals';

// Here rather than in the users module: a wrong current password counts against the login
// limiter, which belongs to sign-in, and a completed reset clears the account's failed logins.
@ApiTags('auth')
@Controller()
export class PasswordController {
  constructor(
    private readonly passwords: Passwords,
    private readonly resets: PasswordResets,
    private readonly limiter: LoginLimiter,
  ) {}

  @Post('me/password')
  @NeedsRedis()
  @HttpCode(204)
  @Authenticated()
  @BodyLimit(SMALL_BODY_LIMIT)
  @ApiOperation({
    summary:
      'Change your own password; every session of yours ends, this one too, so sign in again',
  })
  @ApiNoContentResponse({ description: 'Changed; an email tells you so' })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: 'The current password is wrong, or the new one is unacceptable',
  })
  @ApiRateLimitedResponse(
    'Too many failed logins or wrong current passwords; Retry-After says how long to wait',
  )
  @Refuses(
    'current-password-wrong',
    'email-refused',
    'login-limits-unavailable',
    'not-found',
    'too-many-requests',
  )
  change(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: ChangePasswordDto,
    @Ip() address: string,
  ): Promise<void> {
    const source = { email: user.email, address };
    return this.passwords.change(user, body.currentPassword, body.newPassword, {
      checkAllowed: () => this.limiter.checkAllowed(source),
      recordFailure: () => this.limiter.recordFailure(source),
      recordSuccess: () => this.limiter.recordSuccess(source),
    });
  }

  @Post('auth/password-reset/complete')
  @NeedsRedis()
  @HttpCode(204)
  @Public()
  @BodyLimit(SMALL_BODY_LIMIT)
  @ApiOperation({
    summary:
      'Set a new password with the token from a reset email; every session of the account ends, and its failed logins are forgotten',
  })
  @ApiNoContentResponse({ description: 'The password is set; sign in with it' })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: 'An unacceptable password, or a token that is unknown, expired, used or replaced',
  })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: 'A body over 16 KiB' })
  @Refuses('email-refused', 'login-limits-unavailable', 'not-found', 'reset-token-invalid')
  completeReset(@Body() body: CompletePasswordResetDto): Promise<void> {
    return this.resets.complete(body.token, body.password, (email) =>
      this.limiter.clearEmail(email),
    );
  }
}
