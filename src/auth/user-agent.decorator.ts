import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

// The User-Agent header, when sent, for a session's device label. Not @Headers('user-agent'):
// the OpenAPI document would then list it as a header every client must send.
export const UserAgent = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined => {
    const value = context.switchToHttp().getRequest<FastifyRequest>().headers['user-agent'];
    return typeof value === 'string' ? value : undefined;
  },
);
