import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  Authenticated,
  AuthenticatedUser,
  BeforeSecondFactor,
  CurrentUser,
  Public,
  Roles,
} from '../../common/access';
import { BodyLimit, SMALL_BODY_LIMIT } from '../../common/body-limit';
import { UserAgent } from '../user-agent.decorator';
import { ProblemDto } from '../../common/problem.dto';
import { UuidParam } from '../../common/validation';
import { UserDto } from '../../users/user.dto';
import { TokenDto } from '../auth.dto';
import { SecondFactorEnrolmentService } from './second-factor-enrolment.service';
import { SecondFactorLoginService } from './second-factor-login.service';
import {
  CompleteSecondFactorDto,
  ConfirmSecondFactorDto,
  SecondFactorEnrolmentDto,
} from './second-factor.dto';
import { ApiRateLimitedResponse } from '../../common/rate-limit';
import { SendsLocation } from '../../common/location';
import { NeedsRedis } from '../../queues/needs-redis.guard';
import { Refuses } from '../../openapi/refusals';

@ApiTags('auth')
@Controller()
export class SecondFactorController {
  constructor(
    private readonly login: SecondFactorLoginService,
    private readonly enrolment: SecondFactorEnrolmentService,
  ) {}

  @Post('auth/login/second-factor')
  @NeedsRedis()
  @HttpCode(200)
  @Public()
  @BodyLimit(SMALL_BODY_LIMIT)
  @ApiOperation({
    summary:
      'Complete a login that answered 202 with a challenge: the code the authenticator app shows now, or a recovery code',
  })
  @ApiOkResponse({ type: TokenDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'No code, or a code of the wrong shape' })
  @ApiUnauthorizedResponse({
    type: ProblemDto,
    description:
      'A wrong, expired or used code; a challenge that is expired, forged, spent or had too many wrong codes',
  })
  @ApiRateLimitedResponse(
    'Too many wrong codes for this account; Retry-After says how many seconds to wait',
  )
  @ApiServiceUnavailableResponse({ type: ProblemDto, description: 'Redis did not answer' })
  @Refuses(
    'login-limits-unavailable',
    'second-factor-challenge-expired',
    'second-factor-challenge-invalid',
    'second-factor-challenge-spent',
    'second-factor-code-wrong',
    'too-many-requests',
  )
  complete(
    @Body() body: CompleteSecondFactorDto,
    @Ip() address: string,
    @UserAgent() userAgent?: string,
  ): Promise<TokenDto> {
    return this.login.complete(body, { address, userAgent });
  }

  @Post('me/second-factor')
  @SendsLocation(201, '/me')
  @Authenticated()
  @BeforeSecondFactor()
  @ApiOperation({
    summary:
      'Start (or restart, until confirmed) enrolling a second factor: the secret for an authenticator app and ten recovery codes, shown once',
  })
  @ApiCreatedResponse({ type: SecondFactorEnrolmentDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'A confirmed second factor exists already; an admin can reset it',
  })
  @Refuses('not-found', 'second-factor-already-enrolled')
  start(@CurrentUser() user: AuthenticatedUser): Promise<SecondFactorEnrolmentDto> {
    return this.enrolment.start(user);
  }

  @Post('me/second-factor/confirm')
  @HttpCode(200)
  @Authenticated()
  @BeforeSecondFactor()
  @BodyLimit(SMALL_BODY_LIMIT)
  @ApiOperation({
    summary: 'Confirm the second factor with a code from the app; answers a new token proven by it',
  })
  @ApiOkResponse({ type: TokenDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'A code of the wrong shape, or wrong' })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'Enrolment not started, or already confirmed',
  })
  @Refuses(
    'enrolment-code-wrong',
    'not-found',
    'second-factor-already-enrolled',
    'second-factor-not-started',
  )
  confirm(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: ConfirmSecondFactorDto,
    @Ip() address: string,
    @UserAgent() userAgent?: string,
  ): Promise<TokenDto> {
    return this.login.confirmEnrolment(user, body.code, { address, userAgent });
  }

  @Post('users/:id/second-factor/reset')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      "Reset a user's second factor: it and their recovery codes go, their sessions end, they are emailed and enrol again",
  })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'The user has no second factor, or is you (ask another admin)',
  })
  @Refuses(
    'cannot-reset-own-second-factor',
    'email-refused',
    'not-found',
    'second-factor-not-enrolled',
  )
  reset(@CurrentUser() admin: AuthenticatedUser, @UuidParam() id: string): Promise<UserDto> {
    return this.enrolment.reset(admin, id);
  }
}
