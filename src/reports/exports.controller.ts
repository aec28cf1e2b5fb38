import { Body, Controller, Get, Headers, HttpCode, Post, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { auditActor } from '../audit/audit.service';
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { attachmentHeader } from '../common/response-headers';
import { UuidParam } from '../common/validation';
import { CreateExportDto, ExportDto } from './exports.dto';
import { ExportsService } from './exports.service';
import { IdempotencyKeyHeader, idempotencyKeyFrom } from '../common/idempotency';
import { SendsLocation } from '../common/location';
import { NeedsRedis } from '../queues/needs-redis.guard';
import { Refuses } from '../openapi/refusals';

@ApiTags('reports')
@Controller()
@ApiNotFoundResponse({ type: ProblemDto, description: 'No such round, or no export of yours' })
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Post('rounds/:id/exports')
  @NeedsRedis()
  @SendsLocation(202, '/exports/{id}')
  @HttpCode(202)
  @Roles('finance', 'admin')
  @ApiOperation({
    summary:
      'Ask for the round’s spend summary as a file (csv, xlsx or html) as at a moment: a worker builds it and emails you a link',
  })
  @ApiAcceptedResponse({ type: ExportDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description:
      'You have too many exports queued or being built (openExports says how many), or the round is still a draft',
  })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'asAt in the future' })
  @ApiServiceUnavailableResponse({
    type: ProblemDto,
    description: 'The job queue is not answering',
  })
  @IdempotencyKeyHeader()
  @Refuses(
    'as-at-in-future',
    'idempotency-key-reused',
    'not-found',
    'redis-unavailable',
    'round-not-published',
    'too-many-open-exports',
  )
  request(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: CreateExportDto,
    @Headers('idempotency-key') key: string | undefined,
  ): Promise<ExportDto> {
    return this.exports.request(auditActor(user), user, id, body, idempotencyKeyFrom(key));
  }

  @Get('exports/:id')
  @Roles('finance', 'admin')
  @ApiOperation({ summary: 'Your export: its status and how far it has been built' })
  @ApiOkResponse({ type: ExportDto })
  @Refuses('not-found')
  get(@CurrentUser() user: AuthenticatedUser, @UuidParam() id: string): Promise<ExportDto> {
    return this.exports.get(user, id);
  }

  @Get('exports/:id/download')
  @Roles('finance', 'admin')
  @ApiOperation({ summary: 'Download your finished export' })
  @ApiOkResponse({
    description: 'The file, as an attachment',
    headers: attachmentHeader(
      'attachment; filename="spend-summary-<round code>-<as at, UK clock: YYYY-MM-DD-HHmm-BST|GMT>.<format>"',
    ),
    content: {
      'text/csv': { schema: { type: 'string' } },
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
        schema: { type: 'string', format: 'binary' },
      },
      'text/html': { schema: { type: 'string' } },
    },
  })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not built yet (its status), or failed' })
  @ApiGoneResponse({
    type: ProblemDto,
    description: 'Its file was deleted after the retention period: ask again',
  })
  @Refuses('export-expired', 'export-file-missing', 'export-not-ready', 'not-found')
  async download(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
  ): Promise<StreamableFile> {
    const { stream, fileName, contentType } = await this.exports.download(user, id);
    return new StreamableFile(stream, {
      type: contentType,
      disposition: `attachment; filename="${fileName}"`,
    });
  }
}
