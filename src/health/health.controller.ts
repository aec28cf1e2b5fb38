import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get, HttpCode } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { Public } from '../common/access';
import { DomainError } from '../common/domain-error';
import { ProblemDto } from '../common/problem.dto';
import { QUEUES } from '../queues/queues';

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

const TIMEOUT_MS = 2000;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_resolve, reject) =>
      setTimeout(
        () => reject(new Error(`${what} did not answer in ${TIMEOUT_MS} ms`)),
        TIMEOUT_MS,
      ).unref(),
    ),
  ]);
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.system) private readonly systemQueue: Queue,
  ) {}

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
  async ready(): Promise<ReadinessDto> {
    const failures: { field: string; message: string }[] = [];
    await within(this.dataSource.query('SELECT 1'), 'PostgreSQL').catch((error: Error) =>
      failures.push({ field: 'postgres', message: error.message }),
    );
    await within(
      this.systemQueue
        .getBackend()
        .client.then((client) => client.runCommand('ping', []) as Promise<unknown>),
      'Redis',
    ).catch((error: Error) => failures.push({ field: 'redis', message: error.message }));
    if (failures.length > 0) {
      throw new DomainError(
        'not-ready',
        503,
        `Not ready: ${failures.map((f) => f.field).join(' and ')} unavailable.`,
        failures,
      );
    }
    return { status: 'ok', checks: { postgres: 'ok', redis: 'ok' } };
  }
}
