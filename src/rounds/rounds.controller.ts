import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { auditActor } from '../audit/audit.service';
import { Authenticated, AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { UuidParam } from '../common/validation';
import { ReadsWithEtag, SendsEtag, versionFrom, withEtag } from '../common/versioning';
import { RoundDto, RoundPageDto } from './round-response.dto';
import { CreateRoundDto, RoundQuery, UpdateRoundDto } from './round.dto';
import { RoundCommand } from './rounds.rules';
import { RoundsService } from './rounds.service';
import { SendsLocation } from '../common/location';
import { Refuses } from '../openapi/refusals';

@ApiTags('rounds')
@Controller('rounds')
@ApiBadRequestResponse({ type: ProblemDto })
export class RoundsController {
  constructor(private readonly rounds: RoundsService) {}

  @Get()
  @Authenticated()
  @ApiOperation({
    summary: 'List funding rounds, latest first (applicants see published rounds only)',
  })
  @ApiOkResponse({ type: RoundPageDto })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: RoundQuery): Promise<RoundPageDto> {
    return this.rounds.list(user, query);
  }

  @Get(':id')
  @ReadsWithEtag()
  @Authenticated()
  @ApiOperation({
    summary: 'Read a funding round with its criteria and caps; the ETag is its version',
  })
  @ApiOkResponse({ type: RoundDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @Refuses('not-found')
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoundDto> {
    return withEtag(reply, await this.rounds.get(user, id));
  }

  @Post()
  @SendsLocation(201, '/rounds/{id}')
  @SendsEtag(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Create a funding round in draft' })
  @ApiCreatedResponse({ type: RoundDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The round code is taken' })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description: 'The settings contradict each other',
  })
  @Refuses('round-code-taken', 'round-settings-inconsistent')
  async create(
    @CurrentUser() admin: AuthenticatedUser,
    @Body() body: CreateRoundDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoundDto> {
    return withEtag(reply, await this.rounds.create(auditActor(admin), body));
  }

  @Patch(':id')
  @SendsEtag()
  @Roles('admin')
  @ApiOperation({
    summary: 'Edit a draft round; criteria and year caps, when sent, replace the old ones',
  })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The version last read, e.g. "3"' })
  @ApiOkResponse({ type: RoundDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The round is no longer a draft' })
  @ApiPreconditionFailedResponse({
    type: ProblemDto,
    description: 'Someone else edited the round since you read it',
  })
  @ApiResponse({ status: 428, type: ProblemDto, description: 'If-Match is missing' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  @Refuses(
    'if-match-invalid',
    'if-match-required',
    'if-match-weak',
    'not-found',
    'round-code-taken',
    'round-not-draft',
    'round-settings-inconsistent',
    'version-mismatch',
  )
  async update(
    @CurrentUser() admin: AuthenticatedUser,
    @UuidParam() id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateRoundDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoundDto> {
    return withEtag(
      reply,
      await this.rounds.update(auditActor(admin), id, versionFrom(ifMatch, 'round'), body),
    );
  }

  @Post(':id/publish')
  @RoundCommandRoute('Open a draft round for bids')
  @Refuses(
    'deadline-extensions-running',
    'not-found',
    'round-command-refused',
    'round-settings-inconsistent',
  )
  publish(@CurrentUser() admin: AuthenticatedUser, @UuidParam() id: string): Promise<RoundDto> {
    return this.command(admin, id, 'publish');
  }

  @Post(':id/close')
  @RoundCommandRoute('Close an open round once its bidding window has passed')
  @Refuses(
    'deadline-extensions-running',
    'not-found',
    'round-command-refused',
    'round-settings-inconsistent',
  )
  close(@CurrentUser() admin: AuthenticatedUser, @UuidParam() id: string): Promise<RoundDto> {
    return this.command(admin, id, 'close');
  }

  @Post(':id/record-historic')
  @RoundCommandRoute(
    'Record a historic draft round as closed out, straight into the records',
    'recordHistoricRound',
  )
  @Refuses(
    'deadline-extensions-running',
    'not-found',
    'round-command-refused',
    'round-settings-inconsistent',
  )
  recordHistoric(
    @CurrentUser() admin: AuthenticatedUser,
    @UuidParam() id: string,
  ): Promise<RoundDto> {
    return this.command(admin, id, 'record-historic');
  }

  private command(admin: AuthenticatedUser, id: string, command: RoundCommand): Promise<RoundDto> {
    return this.rounds.run(auditActor(admin), id, command);
  }
}

// `operationId` for routes the operation-ids table does not name; `conflict` for a refusal that
// lists what stands in the way.
export function RoundCommandRoute(
  summary: string,
  operationId?: string,
  conflict: { type: typeof ProblemDto; description: string } = {
    type: ProblemDto,
    description: 'The command does not apply to the round’s current state',
  },
): MethodDecorator {
  return applyDecorators(
    HttpCode(200),
    Roles('admin'),
    ApiOperation({ summary, ...(operationId ? { operationId } : {}) }),
    ApiOkResponse({ type: RoundDto }),
    ApiNotFoundResponse({ type: ProblemDto }),
    ApiConflictResponse(conflict),
    ApiUnprocessableEntityResponse({ type: ProblemDto }),
  );
}
