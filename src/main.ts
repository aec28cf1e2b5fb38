// Tracing first: it instruments pg, ioredis and http only if they load after it.
import './observability/start-tracing';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ConfigError, loadConfig } from './config/load-config';
import { ReadinessService } from './health/readiness.service';
import { EmailTemplateError } from './notifications/email-templates';
import { RedisAvailability } from './queues/redis-availability';
import { GracefulShutdown } from './service-process/graceful-shutdown';
import { startProbeServer } from './service-process/probe-server';
import { StartupError, waitForPostgres } from './service-process/startup-checks';

// Start-up: PostgreSQL must answer before anything is built (retried quietly until
// STARTUP_TIMEOUT_SECONDS); Redis may still be away, so that the process already answers its
// probes (503, naming redis) and refuses what needs Redis; if Redis has not answered by the same
// deadline the process gives up with one line. SIGTERM is honoured from the first moment.
async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const deadline = Date.now() + config.service.startupTimeoutSeconds * 1000;
  const logger = new Logger('Main');
  const shutdown = new GracefulShutdown();
  shutdown.listen();
  await waitForPostgres(config.databaseUrl, deadline);
  let redis: RedisAvailability;
  if (config.processRole === 'worker') {
    const context = await NestFactory.createApplicationContext(AppModule.forRole(config), {
      bufferLogs: true,
    });
    context.useLogger(context.get(PinoNestLogger));
    const readiness = context.get(ReadinessService);
    const probes = await startProbeServer(config.service.healthPort, config.host, () =>
      readiness.failures(),
    );
    shutdown.started({ app: context, probes });
    logger.log('Worker started: consuming queues, no HTTP server');
    redis = context.get(RedisAvailability);
  } else {
    // Loaded by the HTTP roles only: a worker never loads Fastify and its plugins.
    const { createHttpApp } = await import('./http-app');
    const app = await createHttpApp(config);
    shutdown.started({ app, http: app });
    if (config.jwtSecretGenerated) {
      logger.warn('JWT_SECRET not set: using a random secret, tokens reset on restart');
    }
    await app.listen({ port: config.port, host: config.host });
    logger.log(
      `Role ${config.processRole}: API on http://${config.host}:${config.port}, docs at /api/docs`,
    );
    redis = app.get(RedisAvailability);
  }
  if (!(await redis.whenUp(Math.max(0, deadline - Date.now())))) {
    throw new StartupError(redis.startupFailure());
  }
}

bootstrap().catch((error: unknown) => {
  // Problems a person fixes in configuration, templates or the services it needs: the message
  // says what, no stack.
  const plain =
    error instanceof ConfigError ||
    error instanceof EmailTemplateError ||
    error instanceof StartupError;
  console.error(plain ? error.message : error);
  process.exit(1);
});
