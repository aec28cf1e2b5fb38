import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiResponse } from '@nestjs/swagger';
import { ProblemDto } from '../common/problem.dto';
import { RedisAvailability } from './redis-availability';

const NEEDS_REDIS = 'needs-redis';

// Marks a route that cannot do its work without Redis (a queue, a counter): while Redis is away
// it answers 503 problem+json with Retry-After at once, before anything is written.
export function NeedsRedis(): MethodDecorator {
  return applyDecorators(
    SetMetadata(NEEDS_REDIS, true),
    ApiResponse({
      status: 503,
      type: ProblemDto,
      description: 'Redis, which this needs, is not answering; nothing was changed',
    }),
  );
}

@Injectable()
export class NeedsRedisGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly redis: RedisAvailability,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.get<boolean>(NEEDS_REDIS, context.getHandler())) {
      this.redis.assertUp();
    }
    return true;
  }
}
