// Where @nestjs/swagger keeps an operation's responses (its API_RESPONSE_METADATA, which the
// package does not export).
const API_RESPONSE_METADATA = 'swagger/apiResponse';

export type HeaderDocs = Record<
  string,
  { description: string; schema: { type: string; [keyword: string]: unknown } }
>;

// Documents response headers on one status of an operation, merged into whatever
// @ApiResponse says about that status whichever of the two decorators runs first.
export function ApiResponseHeaders(status: number, headers: HeaderDocs): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const responses =
      (Reflect.getMetadata(API_RESPONSE_METADATA, handler) as
        Record<string, { headers?: HeaderDocs; description?: string }> | undefined) ?? {};
    const entry = responses[status] ?? { description: '' };
    Reflect.defineMetadata(
      API_RESPONSE_METADATA,
      { ...responses, [status]: { ...entry, headers: { ...entry.headers, ...headers } } },
      handler,
    );
    return descriptor;
  };
}

export const ETAG_HEADER: HeaderDocs = {
  ETag: {
    description:
      'The version as a strong entity tag, e.g. "3": send it back in If-Match to edit, or in If-None-Match to read again only if changed (304)',
    schema: { type: 'string', example: '"3"' },
  },
};

export function locationHeader(description: string): HeaderDocs {
  return {
    Location: { description, schema: { type: 'string', format: 'uri-reference' } },
  };
}

export const RATE_LIMIT_HEADERS: HeaderDocs = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', minimum: 1 },
  },
  RateLimit: {
    description:
      'The limit that refused the request (draft-ietf-httpapi-ratelimit-headers): its name, r=0 requests left, t= seconds until it resets, e.g. "login-email";r=0;t=60',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': {
    description:
      'The policy of that limit: its name, q= requests allowed in w= seconds, e.g. "login-email";q=5;w=1800',
    schema: { type: 'string' },
  },
};

export function attachmentHeader(description: string): HeaderDocs {
  return { 'Content-Disposition': { description, schema: { type: 'string' } } };
}

// A route whose 200 answer is a file to save: documents its Content-Disposition.
export function SendsAttachment(description: string): MethodDecorator {
  return ApiResponseHeaders(200, attachmentHeader(description));
}
