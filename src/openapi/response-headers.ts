import { ApiExtension } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { operationsOf } from './openapi-document';

// Headers a route sends with its success answer, described once: put
// @ApiResponseHeaders('ETag') on the route and the document lists it on the route's 2xx answers.
export const RESPONSE_HEADERS = {
  ETag: {
    description: 'The version of what was read or written, e.g. "3": send it back in If-Match',
    schema: { type: 'string', example: '"3"' },
  },
  Location: {
    description: 'The URL of the created resource, or of the job to poll',
    schema: { type: 'string', example: '/api/v1/bids/3f0e5d7c-6a52-4f8e-9d3b-0c2d8f1e4a6b' },
  },
  'Content-Disposition': {
    description: 'attachment, with the file name to save it as',
    schema: { type: 'string', example: 'attachment; filename="offer-letter.pdf"' },
  },
  'Retry-After': {
    description: 'Seconds to wait before asking again',
    schema: { type: 'integer', minimum: 0, example: 5 },
  },
} as const;
export type ResponseHeader = keyof typeof RESPONSE_HEADERS;

const EXTENSION = 'x-response-headers';

export function ApiResponseHeaders(...names: ResponseHeader[]): MethodDecorator & ClassDecorator {
  return ApiExtension(EXTENSION, names);
}

type Response = { headers?: Record<string, unknown> };

export function describeResponseHeaders(document: OpenAPIObject): void {
  for (const { op } of operationsOf(document)) {
    const names = (op as { [EXTENSION]?: ResponseHeader[] })[EXTENSION];
    if (!names) {
      continue;
    }
    for (const [status, response] of Object.entries(op.responses as Record<string, Response>)) {
      if (status.startsWith('2')) {
        response.headers = {
          ...response.headers,
          ...Object.fromEntries(names.map((name) => [name, RESPONSE_HEADERS[name]])),
        };
      }
    }
    delete (op as { [EXTENSION]?: unknown })[EXTENSION];
  }
}
