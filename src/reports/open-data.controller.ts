import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { OpenDataQuery } from './open-data.dto';
import { OpenDataService } from './open-data.service';
import { SendsAttachment } from '../common/response-headers';
import { Refuses } from '../openapi/refusals';

@ApiTags('open data')
@Controller('open-data')
export class OpenDataController {
  constructor(private readonly openData: OpenDataService) {}

  @Get('360giving')
  @SendsAttachment('attachment, with the file name to save the data package or CSV as')
  @Public()
  @ApiOperation({
    summary:
      'A round’s accepted awards as a 360Giving data package (JSON), or its grants as CSV with the standard’s column titles',
  })
  @ApiOkResponse({
    description: 'The data package, or the CSV',
    content: {
      'application/json': { schema: { type: 'object', additionalProperties: true } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such round, or nothing accepted yet' })
  @Refuses('not-found')
  async grants(
    @Query() query: OpenDataQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    if (query.format === 'csv') {
      const csv = await this.openData.csv(query.round);
      void reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="360giving-${query.round}.csv"`);
      return csv;
    }
    return this.openData.package(query.round);
  }
}
