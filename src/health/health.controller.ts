import { Controller, Get, HttpCode } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { ReadinessService } from './readiness.service';
import { healthError } from './health.errors';
import { Refuses } from '../openapi/refusals';

class HealthDto {
  @ApiProperty({ example: 'ok' })
  status: 'ok';
}

class ReadinessDto extends HealthDto {
  @ApiProperty({
    type: 'object',
    properties: { postgres: { type: 'string' }, redis: { type: 'string' } },
    required: ['postgres', 'redis'],
    example: { postgres: 'ok', redis: 'ok' },
  })
  checks: { postgres: 'ok'; redis: 'ok' };
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: HealthDto })
  alive(): HealthDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis both answer' })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({ type: ProblemDto })
  @Refuses('not-ready', 'redis-unavailable')
  async ready(): Promise<ReadinessDto> {
    const failures = await this.readiness.failures();
    if (failures.length > 0) {
      throw healthError('not-ready', {
        message: `Not ready: ${failures.map((f) => f.field).join(' and ')} unavailable.`,
        errors: failures,
      });
    }
    return { status: 'ok', checks: { postgres: 'ok', redis: 'ok' } };
  }
}
