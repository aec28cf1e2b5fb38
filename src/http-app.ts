import helmet from '@fastify/helmet';
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

export const API_PREFIX = 'api/v1';

// Builds the HTTP application (not yet listening); main.ts and the e2e tests both use it.
export async function createHttpApp(
  config: AppConfig,
  logger: false | undefined = undefined,
): Promise<NestFastifyApplication> {
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
  });
  // Bodies are JSON only (as the API docs say): Fastify's own JSON parser, without Nest's form
  // parser and with Fastify's text/plain one removed, so any other body type answers 415.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRole(config), adapter, {
    logger: logger ?? ['log', 'warn', 'error'],
    bodyParser: false,
  });
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
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
  // Security headers on every answer. The content security policy lets the API docs page load
  // its own script and styles (Swagger UI writes some inline) and nothing from elsewhere.
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  // Only the configured origins may call the API from a browser.
  app.enableCors({
    origin: config.corsOrigins,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'if-match', 'idempotency-key'],
    exposedHeaders: ['etag', 'content-disposition', 'location'],
    maxAge: 600,
  });
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  setUpOpenApi(app);

  await app.init();
  const unguarded = routesWithoutAccess(app);
  if (unguarded.length > 0) {
    await app.close();
    throw new Error(`Routes without @Public() or @Roles(): ${unguarded.join(', ')}`);
  }
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

function setUpOpenApi(app: NestFastifyApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
