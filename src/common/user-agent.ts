import { createParamDecorator, ExecutionContext } from '@nestjs/common';

// The User-Agent header, when sent (a device label for sessions). Not @Headers('user-agent'):
// OpenAPI would then document the header as required, and a browser's fetch cannot set it.
export const UserAgent = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined => {
    const value = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[
      'user-agent'
    ];
    return typeof value === 'string' ? value : undefined;
  },
);
