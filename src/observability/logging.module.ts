import type { IncomingMessage } from 'node:http';
import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobRunner } from './job-runner';
import { TracingShutdownService } from './tracing-shutdown.service';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-context';

// What must never reach a log, should a request or its headers be logged after all.
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.query',
  'req.body',
  'res.headers["set-cookie"]',
  'password',
  'token',
];

// One JSON line per event on stdout (pretty text in development only), at LOG_LEVEL.
export function createRootLogger(config: AppConfig): pino.Logger {
  const { logLevel, prettyLogs } = config.observability;
  return pino({
    level: logLevel,
    base: { pid: process.pid, role: config.processRole },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(prettyLogs
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } }
      : { formatters: { level: (label: string) => ({ level: label }) } }),
  });
}

// Every process role logs through pino, Nest's own messages and `Logger` call sites included
// (main.ts hands Nest this module's Logger). pino-http gives each request a logger bound to its
// id; the one line per request is written by request-logging.ts, which knows the route pattern
// and the user, so pino-http logs nothing by itself and never serialises a request's headers,
// query or body.
@Global()
@Module({
  providers: [JobRunner, TracingShutdownService],
  exports: [JobRunner],
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          logger: createRootLogger(config),
          autoLogging: false,
          quietReqLogger: true,
          quietResLogger: true,
          customAttributeKeys: { reqId: 'requestId' },
          // Fastify made the id already (createHttpApp's genReqId); middie copies it to the raw request.
          genReqId: (request: IncomingMessage & { id?: string }) =>
            request.id ?? requestIdFrom(request.headers[REQUEST_ID_HEADER]),
          serializers: {
            req: (request: { method?: string; id?: string }) => ({
              method: request.method,
              requestId: request.id,
            }),
            res: (response: { statusCode?: number }) => ({ status: response.statusCode }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
