import { Controller, Get, Headers, Ip, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiFoundResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../common/access';
import { ProblemDto } from '../../common/problem.dto';
import { TokenDto } from '../auth.dto';
import { SsoStartDto } from './sso.dto';
import { wantsJson } from './sso.rules';
import { SsoService } from './sso.service';
import { ApiRateLimitedResponse } from '../../common/rate-limit';
import { NeedsRedis } from '../../queues/needs-redis.guard';
import { Refuses } from '../../openapi/refusals';

const NOT_CONFIGURED = 'Single sign-on is not set up here (sso-not-configured)';
const UNAVAILABLE =
  'The identity provider could not be reached or did not answer in time (sso-provider-unavailable), or Redis did not answer (sso-store-unavailable)';

// Read for the session's device label; a client need not send it.
const USER_AGENT = { name: 'user-agent', required: false, description: 'Labels the session' };

@ApiTags('auth')
@Controller('auth/sso')
export class SsoController {
  constructor(private readonly sso: SsoService) {}

  @Get('start')
  @NeedsRedis()
  @Public()
  @ApiOperation({
    summary: "Begin a staff sign-in at the department's identity provider",
    description:
      "Redirects the browser (302) to the provider's sign-in page. A client that sends `Accept: application/json` instead gets the address as JSON, to open in the user's browser. The sign-in must come back to the callback within 10 minutes.\n\nBy default the provider sends the browser back to this API's callback. A portal that wants it back on one of its own pages asks with `redirectUrl`, which must be one of the portal pages configured for it (`OIDC_PORTAL_REDIRECT_URLS`) and registered at the provider; that page then brings the provider's `code`, `state` and `iss` to `GET /auth/sso/callback` and gets the session.",
  })
  @ApiQuery({
    name: 'redirectUrl',
    type: String,
    required: false,
    description:
      "Where the provider sends the browser back: one of the configured portal pages, exactly (otherwise 400 sso-redirect-not-allowed). Without it, this API's callback.",
    example: 'https://grants.example.gov.uk/sign-in/sso/callback',
  })
  @ApiHeader({
    name: 'accept',
    required: false,
    description: 'application/json for the JSON answer',
  })
  @ApiHeader(USER_AGENT)
  @ApiFoundResponse({ description: "To the provider's sign-in page (Location header)" })
  @ApiOkResponse({ type: SsoStartDto, description: 'With Accept: application/json' })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: 'redirectUrl is not one of the configured portal pages (sso-redirect-not-allowed)',
  })
  @ApiNotFoundResponse({ type: ProblemDto, description: NOT_CONFIGURED })
  @ApiRateLimitedResponse(
    'Too many sign-ins started from this address; Retry-After says when to retry',
  )
  @ApiServiceUnavailableResponse({ type: ProblemDto, description: UNAVAILABLE })
  @Refuses(
    'sso-not-configured',
    'sso-provider-unavailable',
    'sso-redirect-not-allowed',
    'sso-store-unavailable',
    'too-many-requests',
  )
  async start(
    @Res() reply: FastifyReply,
    @Ip() address: string,
    @Headers('accept') accept?: string,
    @Headers('user-agent') userAgent?: string,
    @Query('redirectUrl') redirectUrl?: string,
  ): Promise<void> {
    const authorizationUrl = await this.sso.start(
      { address, userAgent },
      typeof redirectUrl === 'string' ? redirectUrl : undefined,
    );
    if (wantsJson(accept)) {
      await reply.status(200).send({ authorizationUrl } satisfies SsoStartDto);
    } else {
      await reply.status(302).header('location', authorizationUrl).send();
    }
  }

  @Get('callback')
  @NeedsRedis()
  @Public()
  @ApiOperation({
    summary: 'Where the identity provider sends the browser back; answers with a session',
    description:
      "Register this URL at the provider as the redirect URI (and any portal pages in OIDC_PORTAL_REDIRECT_URLS, which bring the provider's query here unchanged). Checks the sign-in's state, exchanges the code (PKCE) and checks the ID token, then matches an active staff account by the provider's verified email. No account is ever created here. The answer is the same token as a password login, with amr ['sso'].",
  })
  @ApiQuery({ name: 'code', type: String, required: false, description: 'From the provider' })
  @ApiQuery({ name: 'state', type: String, required: false, description: 'From the provider' })
  @ApiQuery({
    name: 'iss',
    type: String,
    required: false,
    description: 'From the provider (RFC 9207)',
  })
  @ApiQuery({
    name: 'error',
    type: String,
    required: false,
    description: 'From the provider, on a refusal',
  })
  @ApiHeader(USER_AGENT)
  @ApiOkResponse({ type: TokenDto })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: 'The state is unknown, expired or already used',
  })
  @ApiUnauthorizedResponse({
    type: ProblemDto,
    description:
      'The provider refused the sign-in, or the code was invalid or already used, or the ID token failed its checks',
  })
  @ApiForbiddenResponse({
    type: ProblemDto,
    description: 'No verified email from the provider, or no active staff account with that email',
  })
  @ApiNotFoundResponse({ type: ProblemDto, description: NOT_CONFIGURED })
  @ApiServiceUnavailableResponse({ type: ProblemDto, description: UNAVAILABLE })
  @Refuses(
    'sso-code-rejected',
    'sso-email-unverified',
    'sso-no-account',
    'sso-not-configured',
    'sso-provider-unavailable',
    'sso-state-invalid',
    'sso-store-unavailable',
  )
  callback(
    @Req() request: FastifyRequest,
    @Ip() address: string,
    @Headers('user-agent') userAgent?: string,
  ): Promise<TokenDto> {
    // The whole query as the provider sent it: openid-client checks every parameter it knows.
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    return this.sso.complete(query, { address, userAgent });
  }
}
