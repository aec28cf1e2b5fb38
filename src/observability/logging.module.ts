import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobRunner } from './job-runner';
import { TracingShutdownService } from './tracing-shutdown.service';

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
// (main.ts hands Nest this module's Logger). A request's logger, bound to its id, is set by
// request-logging.ts's first hook, which also writes the one line per request; nestjs-pino's
// pino-http middleware is bound to no route (`forRoutes: []`), since it would make a second
// logger for each request, through Express-style middleware, and then log nothing (a few per cent
// of the API's CPU a request). Only its logger is used: nestjs-pino makes it the root logger.
@Global()
@Module({
  providers: [JobRunner, TracingShutdownService],
  exports: [JobRunner],
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: { logger: createRootLogger(config), autoLogging: false },
        forRoutes: [],
      }),
    }),
  ],
})
export class LoggingModule {}
