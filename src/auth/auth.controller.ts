import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { BodyLimit, SMALL_BODY_LIMIT } from '../common/body-limit';
import { Authenticated, AuthenticatedUser, CurrentUser, Public } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { UserDto } from '../users/user.dto';
import { UsersService } from '../users/users.service';
import { LoginDto, TokenDto } from './auth.dto';
import { AuthService } from './auth.service';
import { UserAgent } from './user-agent.decorator';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Post('auth/login')
  @HttpCode(200)
  @Public()
  @BodyLimit(SMALL_BODY_LIMIT)
  @ApiOperation({
    summary:
      'Exchange email and password for a bearer token (failed attempts slow down per email and address)',
  })
  @ApiHeader({ name: 'user-agent', required: false, description: 'Labels the session' })
  @ApiOkResponse({ type: TokenDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: 'A body over 16 KiB' })
  @ApiUnauthorizedResponse({
    type: ProblemDto,
    description: 'Wrong email or password, or a deactivated account',
  })
  @ApiTooManyRequestsResponse({
    type: ProblemDto,
    description:
      'Too many failed logins for this email from this address, or from this address; Retry-After says how many seconds to wait',
  })
  // Read when sent (a label for the session), never required.
  @ApiHeader({ name: 'user-agent', required: false })
  login(
    @Body() body: LoginDto,
    @Ip() address: string,
    @UserAgent() userAgent?: string,
  ): Promise<TokenDto> {
    return this.auth.login(body.email, body.password, address, userAgent);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserDto })
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserDto> {
    return this.users.get(user.id);
  }
}
