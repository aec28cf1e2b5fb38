import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { auditActor } from '../../audit/audit.service';
import {
  Authenticated,
  BeforeSecondFactor,
  AuthenticatedUser,
  CurrentUser,
  Public,
  Roles,
} from '../../common/access';
import { BodyLimit, SMALL_BODY_LIMIT } from '../../common/body-limit';
import { PageQuery } from '../../common/pagination';
import { ProblemDto } from '../../common/problem.dto';
import { UuidParam } from '../../common/validation';
import { TokenDto } from '../auth.dto';
import { AuthService } from '../auth.service';
import { EndedSessionsDto, RefreshDto, SessionPageDto } from './session.dto';
import { SessionsService } from './sessions.service';
import { Refuses } from '../../openapi/refusals';

@ApiTags('auth')
@Controller()
export class SessionsController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('auth/refresh')
  @HttpCode(200)
  @Public()
  @BodyLimit(SMALL_BODY_LIMIT)
  @ApiOperation({
    summary:
      'Exchange a refresh token for a new access token and the next refresh token (each refresh token is good once)',
  })
  @ApiOkResponse({ type: TokenDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: 'A body over 16 KiB' })
  @ApiUnauthorizedResponse({
    type: ProblemDto,
    description: 'An unknown, used, expired or ended refresh token; a used one ends its session',
  })
  @Refuses(
    'not-found',
    'refresh-token-expired',
    'refresh-token-invalid',
    'refresh-token-reused',
    'session-ended',
  )
  refresh(@Body() body: RefreshDto): Promise<TokenDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('auth/logout')
  @HttpCode(204)
  @Authenticated()
  @BeforeSecondFactor()
  @ApiOperation({ summary: 'End the session this token belongs to (its refresh token too)' })
  @ApiNoContentResponse({ description: 'Signed out' })
  logout(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.sessions.logout(user);
  }

  @Get('me/sessions')
  @Authenticated()
  @BeforeSecondFactor()
  @ApiOperation({
    summary: 'Your live sessions, most recently used first, with the one you are using marked',
  })
  @ApiOkResponse({ type: SessionPageDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  listOwn(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: PageQuery,
  ): Promise<SessionPageDto> {
    return this.sessions.listOwn(user, { limit: query.limit, offset: query.offset });
  }

  @Delete('me/sessions/:id')
  @HttpCode(204)
  @Authenticated()
  @BeforeSecondFactor()
  @ApiOperation({ summary: 'End one of your sessions (sign a device out)' })
  @ApiNoContentResponse({ description: 'Ended' })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'None of your live sessions has this id' })
  @Refuses('not-found')
  endOwn(@CurrentUser() user: AuthenticatedUser, @UuidParam() id: string): Promise<void> {
    return this.sessions.endOwn(user, id);
  }

  @Post('users/:id/sessions/end')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'End every live session of a user: they must sign in again' })
  @ApiOkResponse({ type: EndedSessionsDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @Refuses('not-found')
  async endAllOfUser(
    @CurrentUser() admin: AuthenticatedUser,
    @UuidParam() id: string,
  ): Promise<EndedSessionsDto> {
    return { sessionsEnded: await this.sessions.endAllOfUser(auditActor(admin), id) };
  }
}
