import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RedisAvailability } from '../queues/redis-availability';

const TIMEOUT_MS = 1_000;

export interface ReadinessFailure {
  field: 'postgres' | 'redis';
  message: string;
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not answer in ${TIMEOUT_MS} ms`)),
        TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

// What the readiness probes of every role ask: does PostgreSQL answer, and Redis? Redis known to
// be away (its watching connection is down) is reported at once, without waiting on a command.
@Injectable()
export class ReadinessService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisAvailability,
  ) {}

  async failures(): Promise<ReadinessFailure[]> {
    const failures: ReadinessFailure[] = [];
    const postgres = within(this.dataSource.query('SELECT 1'), 'PostgreSQL').catch((error: Error) =>
      failures.push({ field: 'postgres', message: error.message }),
    );
    const redis = this.redis.isUp()
      ? this.redis
          .ping(TIMEOUT_MS)
          .catch((error: Error) => failures.push({ field: 'redis', message: error.message }))
      : failures.push({ field: 'redis', message: this.redis.problem() });
    await Promise.all([postgres, redis]);
    return failures.sort((a, b) => a.field.localeCompare(b.field));
  }
}
