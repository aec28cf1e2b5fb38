import { Body, Controller, Get, HttpCode, Ip, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { BodyLimit, SMALL_BODY_LIMIT } from '../common/body-limit';
import {
  Authenticated,
  AuthenticatedUser,
  BeforeSecondFactor,
  CurrentUser,
  Public,
} from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { UserDto } from '../users/user.dto';
import { UsersService } from '../users/users.service';
import { LoginDto, TokenDto } from './auth.dto';
import { AuthService } from './auth.service';
import { UserAgent } from './user-agent.decorator';
import { SecondFactorChallengeDto } from './second-factor/second-factor.dto';
import { ApiRateLimitedResponse } from '../common/rate-limit';
import { SendsLocation } from '../common/location';
import { NeedsRedis } from '../queues/needs-redis.guard';
import { Refuses } from '../openapi/refusals';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Post('auth/login')
  @NeedsRedis()
  @SendsLocation(202, '/auth/login/second-factor')
  @HttpCode(200)
  @Public()
  @BodyLimit(SMALL_BODY_LIMIT)
  @ApiOperation({
    summary:
      'Exchange email and password for a bearer token (failed attempts slow down per email and address)',
  })
  @ApiHeader({ name: 'user-agent', required: false, description: 'Labels the session' })
  @ApiOkResponse({ type: TokenDto })
  @ApiAcceptedResponse({
    type: SecondFactorChallengeDto,
    description:
      'The account has a second factor: send the challenge and a code to POST /api/v1/auth/login/second-factor',
  })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: 'A body over 16 KiB' })
  @ApiUnauthorizedResponse({
    type: ProblemDto,
    description: 'Wrong email or password, or a deactivated account',
  })
  @ApiRateLimitedResponse(
    'Too many failed logins for this email from this address, or from this address; Retry-After says how many seconds to wait',
  )
  // Read when sent (a label for the session), never required.
  @ApiHeader({ name: 'user-agent', required: false })
  @Refuses('invalid-credentials', 'login-limits-unavailable', 'too-many-requests')
  async login(
    @Body() body: LoginDto,
    @Ip() address: string,
    @Res({ passthrough: true }) reply: FastifyReply,
    @UserAgent() userAgent?: string,
  ): Promise<TokenDto | SecondFactorChallengeDto> {
    const answer = await this.auth.login(body.email, body.password, address, userAgent);
    if ('challenge' in answer) {
      reply.status(202);
    }
    return answer;
  }

  @Get('me')
  @Authenticated()
  @BeforeSecondFactor()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserDto })
  @Refuses('not-found')
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserDto> {
    return this.users.get(user.id);
  }
}
