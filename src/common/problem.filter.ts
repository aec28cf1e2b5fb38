import type { Socket } from 'node:net';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { UnsafeMoneyError } from '../database/pence.transformer';
import { COMMON_ERRORS } from './common.errors';
import { DomainError, RetryLaterError } from './domain-error';
import { rateLimitHeaders } from './rate-limit';
import { FieldError, problem, Problem, PROBLEM_CONTENT_TYPE } from './problem';
import { RequestValidationError } from './validation';
import { loggableError } from '../observability/log-redaction';

const RETRY_AFTER_SECONDS = 5;

// The one place errors become responses: every failure leaves as problem+json, never a stack trace.
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  // `pageNotFound` answers a browser's request for a page no route has (the portal's own 404
  // page), or leaves it to the problem (undefined).
  constructor(
    private readonly pageNotFound?: (
      request: FastifyRequest,
      reply: FastifyReply,
    ) => FastifyReply | undefined,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      throw exception;
    }
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (isRouteNotFound(exception) && this.pageNotFound?.(request, reply)) {
      return;
    }
    const body = {
      ...this.toProblem(exception, request),
      instance: request.url,
      requestId: request.id,
    };
    if (body.status === 503) {
      void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    } else if (exception instanceof RetryLaterError) {
      void reply.headers(rateLimitHeaders(exception.policy, exception.retryAfterSeconds));
    }
    void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
  }

  toProblem(exception: unknown, request: FastifyRequest): Problem {
    if (exception instanceof DomainError) {
      return problem(
        exception.status,
        exception.code,
        exception.message,
        exception.errors,
        exception.extensions,
      );
    }
    if (exception instanceof RequestValidationError) {
      return validationProblem(exception);
    }
    if (exception instanceof HttpException) {
      return this.fromHttpException(exception, request);
    }
    if (exception instanceof UnsafeMoneyError) {
      return problem(422, 'amount-out-of-range', exception.message);
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`Database unavailable: ${(exception as Error).message}`);
      return problem(
        503,
        'database-unavailable',
        'The database did not answer, so the request could not be completed; a change is saved ' +
          'whole or not at all. Try again in a few seconds.',
      );
    }
    if (exception instanceof QueryFailedError) {
      const known = fromDatabaseError(exception as QueryFailedError<Error>);
      if (known) {
        return known;
      }
    }
    this.logger.error({
      msg: 'unexpected error',
      requestId: request.id,
      err: loggableError(exception),
    });
    return problem(
      500,
      'internal-error',
      `Something went wrong on our side and it has been logged. If it goes on, quote reference ${request.id} when you report it.`,
    );
  }

  private fromHttpException(exception: HttpException, request: FastifyRequest): Problem {
    const status = exception.getStatus();
    if (isRouteNotFound(exception)) {
      return problem(
        404,
        'route-not-found',
        `There is no ${request.method} ${request.url.split('?')[0]}. The API is described at /api/docs.`,
      );
    }
    const response = exception.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? response.message
        : exception.message;
    const detail = Array.isArray(message) ? message.join('; ') : String(message);
    // Fastify's body errors reach Nest as plain HttpExceptions; malformed JSON is the common one.
    if (status === 400 && /not valid JSON|JSON/.test(detail)) {
      return problem(400, 'malformed-json', `The request body is not valid JSON: ${detail}`);
    }
    if (status === 415) {
      return problem(415, 'unsupported-media-type', 'Send the body as application/json.');
    }
    return problem(status, codeForStatus(status), detail);
  }
}

// Nest's answer for a path no route has.
function isRouteNotFound(exception: unknown): boolean {
  return (
    exception instanceof HttpException &&
    exception.getStatus() === 404 &&
    /^Cannot [A-Z]+ /.test(exception.message)
  );
}

// Field errors, at most MAX_FIELD_ERRORS of them; the answer says how many more there were.
function validationProblem(exception: RequestValidationError): Problem {
  const { errors, omitted } = exception;
  if (omitted === 0) {
    return problem(400, 'validation-failed', 'The request has invalid fields; see errors.', errors);
  }
  const detail =
    `The request has ${errors.length + omitted} invalid fields; the first ${errors.length} of ` +
    `${errors.length + omitted} are listed in errors. Fix those and send it again to see the rest.`;
  return { ...problem(400, 'validation-failed', detail, errors), omittedErrors: omitted };
}

// Fastify refuses some URLs before Nest sees the request: broken percent-encoding in the path
// (400) and a path segment over its length limit (414). They leave as problems too.
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.statusCode ?? 400;
  const body =
    error.code === 'FST_ERR_BAD_URL'
      ? problem(status, 'bad-url', 'The path is not a valid URL: its percent-encoding is broken.')
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? problem(status, 'uri-too-long', 'A part of the path is too long; ids are UUIDs.')
        : problem(status, codeForStatus(status), error.message);
  void reply
    .status(status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .header('x-request-id', request.id)
    .send({ ...body, instance: request.url, requestId: request.id });
}

// Node refuses some requests before Fastify has a request or a reply: a request or its headers
// not arriving within the timeouts (408), headers too large (431), bytes that are not HTTP
// (400). Said as a problem on the bare socket where it can still be written, then closed.
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) {
    return;
  }
  const body =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? problem(
          408,
          'request-timeout',
          'The request did not arrive in time; send it whole, without pauses.',
        )
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? problem(431, 'headers-too-large', 'The request headers are too large.')
        : problem(400, 'bad-request', 'The request is not valid HTTP.');
  if (socket.writable) {
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${body.status} ${body.title}\r\nConnection: close\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return COMMON_ERRORS['bad-request'].code;
    case 401:
      return COMMON_ERRORS['unauthenticated'].code;
    case 403:
      return COMMON_ERRORS['forbidden'].code;
    case 404:
      return COMMON_ERRORS['not-found'].code;
    case 413:
      return COMMON_ERRORS['payload-too-large'].code;
    case 415:
      return COMMON_ERRORS['unsupported-media-type'].code;
    default:
      return COMMON_ERRORS[status >= 500 ? 'internal-error' : 'request-refused'].code;
  }
}

// A constraint the service should have caught first still answers as a clear 4xx, never a 500.
function fromDatabaseError(error: QueryFailedError<Error>): Problem | undefined {
  const driverError = error.driverError as { code?: string; constraint?: string; detail?: string };
  switch (driverError.code ?? '') {
    case '23505':
      return problem(
        409,
        'already-exists',
        `A record with the same ${describeConstraint(driverError.constraint)} already exists.`,
      );
    case '23503':
      return problem(
        422,
        'reference-not-found',
        `A referenced record does not exist (${describeConstraint(driverError.constraint)}).`,
      );
    case '23514': {
      const errors: FieldError[] = [
        {
          field: describeConstraint(driverError.constraint),
          message: 'is not allowed by the data rules',
        },
      ];
      return problem(
        422,
        'constraint-violated',
        'The change breaks a data rule; see errors.',
        errors,
      );
    }
    default:
      return undefined;
  }
}

function describeConstraint(name: string | undefined): string {
  return name ? name.replace(/^(uq|fk|ck|chk)_/i, '').replace(/_/g, ' ') : 'values';
}
