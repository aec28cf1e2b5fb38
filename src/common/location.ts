import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  INestApplication,
  NestInterceptor,
  RequestMethod,
  SetMetadata,
} from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import type { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';
import { apiPath } from './api-paths';
import { ApiResponseHeaders, locationHeader } from './response-headers';
import { routeHandlers } from './route-handlers';

const LOCATION_KEY = 'http:location';

interface LocationRule {
  status: 201 | 202;
  // A path under the API prefix with {field} taken from the answer's body; null: none to give.
  pattern: string | null;
}

// A 201 says where the new resource is, a 202 where to follow the work it accepted (RFC 9110
// §15.3.2-3): `@SendsLocation(201, '/bids/{id}')`, fields of the answer's body in braces.
// Documented as the status's Location header.
export function SendsLocation(status: 201 | 202, pattern: string): MethodDecorator {
  return applyDecorators(
    SetMetadata(LOCATION_KEY, { status, pattern } satisfies LocationRule),
    ApiResponseHeaders(
      status,
      locationHeader(
        status === 201
          ? `The created resource: ${apiPath(pattern)}`
          : `Where to follow the accepted work: ${apiPath(pattern)}`,
      ),
    ),
  );
}

// A 202 with nothing a client may follow (it would tell whether an account exists).
export function AcceptedWithoutLocation(): MethodDecorator {
  return SetMetadata(LOCATION_KEY, { status: 202, pattern: null } satisfies LocationRule);
}

export function locationOf(pattern: string, body: unknown): string {
  const fields = (body ?? {}) as Record<string, unknown>;
  return apiPath(
    pattern.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = fields[name];
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new Error(`The answer has no ${name} for its Location ${pattern}`);
      }
      return encodeURIComponent(String(value));
    }),
  );
}

// Sets Location on the answers of routes marked @SendsLocation, when they answer that status
// (a route may answer 202 only sometimes, as the sign-in does with a second factor to ask for).
export class LocationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const handler = context.getHandler();
    const rule = Reflect.getMetadata(LOCATION_KEY, handler) as LocationRule | undefined;
    const pattern = rule?.pattern;
    if (!rule || !pattern) {
      return next.handle();
    }
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        // Nest sets a route's status after this runs; a status set by the handler is there now.
        const status = reply.statusCode !== 200 ? reply.statusCode : staticStatus(handler);
        if (status === rule.status) {
          void reply.header('location', locationOf(pattern, body));
        }
        return body;
      }),
    );
  }
}

function staticStatus(handler: object): number {
  const declared = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
  const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
  return declared ?? (method === RequestMethod.POST ? 201 : 200);
}

// Enforced at boot: a route answering 201 or 202 must say what its Location is.
export function routesWithoutLocation(app: INestApplication): string[] {
  return routeHandlers(app)
    .filter(({ handler }) => {
      const status = staticStatus(handler);
      const rule = Reflect.getMetadata(LOCATION_KEY, handler) as LocationRule | undefined;
      return (status === 201 || status === 202) && rule?.status !== status;
    })
    .map(({ name }) => name);
}
