import type { IncomingMessage } from 'node:http';
import multipart from '@fastify/multipart';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { routesWithoutAccess } from './auth/route-access.check';
import {
  applyRouteBodyLimits,
  checkJsonShapeBeforeParsing,
  DEFAULT_BODY_LIMIT,
} from './common/body-limit';
import { answerClientError, answerFrameworkError, ProblemFilter } from './common/problem.filter';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/app-config';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { API_PREFIX } from './common/api-paths';
import { registerSecurityHeaders } from './common/content-security-policy';
import { registerPortal } from './portal/portal-http';
import { LocationInterceptor, routesWithoutLocation } from './common/location';
import { applyResponsePolicy } from './common/response-policy';
import { registerHttpMetrics } from './observability/metrics-route';
import { MetricsService } from './observability/metrics.service';
import { Logger } from 'nestjs-pino';
import { registerRequestLogging } from './observability/request-logging';
import { REQUEST_ID_HEADER, requestIdFrom } from './observability/request-context';

export { API_PREFIX };

// Builds the HTTP application (not yet listening); main.ts and the e2e tests both use it.
// `logger: false` (tests) writes no log lines at all.
export async function createHttpApp(
  appConfig: AppConfig,
  logger: false | undefined = undefined,
): Promise<NestFastifyApplication> {
  const config: AppConfig =
    logger === false
      ? { ...appConfig, observability: { ...appConfig.observability, logLevel: 'silent' } }
      : appConfig;
  const { requestTimeoutMs, headersTimeoutMs, connectionTimeoutMs, keepAliveTimeoutMs } =
    config.http;
  const adapter = new FastifyAdapter({
    trustProxy: config.trustProxy,
    bodyLimit: DEFAULT_BODY_LIMIT,
    frameworkErrors: answerFrameworkError,
    // A client sending its request slowly (a byte every few seconds) is cut off, so a handful of
    // them cannot hold every connection open.
    requestTimeout: requestTimeoutMs,
    connectionTimeout: connectionTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    // Node checks the request and headers timeouts only this often (30 s by default).
    http: {
      requestTimeout: requestTimeoutMs,
      headersTimeout: headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs),
    },
    clientErrorHandler: answerClientError,
    // The caller's X-Request-Id when it is safe to repeat, else a new UUID.
    genReqId: (request: IncomingMessage) => requestIdFrom(request.headers[REQUEST_ID_HEADER]),
  });
  // Bodies are JSON only (as the API docs say): Fastify's own JSON parser, without Nest's form
  // parser and with Fastify's text/plain one removed, so any other body type answers 415.
  // Nest's messages wait for pino (LoggingModule), unless a test asked for none at all.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRole(config), adapter, {
    ...(logger === false ? { logger: false } : { bufferLogs: true }),
    bodyParser: false,
  });
  if (logger !== false) {
    app.useLogger(app.get(Logger));
  }
  await registerRequestLogging(app);
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
  // Request durations by route, and GET /metrics with METRICS_TOKEN; before any route exists.
  registerHttpMetrics(app.getHttpAdapter().getInstance(), app.get(MetricsService), config.metrics);
  // A JSON body wider, deeper or bigger than a request may be is refused from its text, before
  // it is parsed; routes with small bodies (the sign-in) read less than 1 MiB.
  checkJsonShapeBeforeParsing(app.getHttpAdapter().getInstance());
  applyRouteBodyLimits(app.getHttpAdapter().getInstance());
  // Supporting documents arrive as multipart/form-data, one file part per request, streamed to
  // the file store (never buffered); a file is cut off at DOCUMENT_MAX_BYTES.
  await app.register(multipart, {
    limits: {
      fileSize: config.documents.maxBytes,
      files: 1,
      parts: 10,
      fields: 5,
      fieldSize: 1024,
      headerPairs: 50,
    },
  });
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  // Security headers on every answer (the portal's sign-in page widens its form-action).
  registerSecurityHeaders(app.getHttpAdapter().getInstance());
  // no-store, If-None-Match answered 304, and compression of big JSON, HTML and CSV answers.
  await applyResponsePolicy(app.getHttpAdapter().getInstance());
  // Only the configured origins may call the API from a browser, and read the headers a client
  // acts on.
  app.enableCors({
    origin: config.corsOrigins,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'if-match',
      'if-none-match',
      'idempotency-key',
      'x-request-id',
    ],
    exposedHeaders: [
      'x-request-id',
      'etag',
      'location',
      'content-disposition',
      'retry-after',
      'ratelimit',
      'ratelimit-policy',
    ],
    maxAge: 600,
    // An OPTIONS without the preflight headers is a plain question, not a bad preflight: the
    // strict check answered it 400 in text/plain, outside the problem+json every error uses.
    strictPreflight: false,
  });
  // The portal's pages, beside the API; a browser asking for a page no route has gets its
  // "page not found" page instead of a problem.
  const pageNotFound = await registerPortal(app, config);
  app.useGlobalFilters(new ProblemFilter(pageNotFound));
  app.useGlobalInterceptors(new LocationInterceptor());
  app.useGlobalPipes(createValidationPipe());
  setUpOpenApi(app);

  await app.init();
  const unguarded = routesWithoutAccess(app);
  if (unguarded.length > 0) {
    await app.close();
    throw new Error(`Routes without @Public() or @Roles(): ${unguarded.join(', ')}`);
  }
  const unlocated = routesWithoutLocation(app);
  if (unlocated.length > 0) {
    await app.close();
    throw new Error(
      `Routes answering 201 or 202 without @SendsLocation(): ${unlocated.join(', ')}`,
    );
  }
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

// The document is built when it is first asked for, not at start: reading every route and DTO
// took about 0.6 s of each start, for a page few starts serve.
function setUpOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
  });
}
