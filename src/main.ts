// Tracing first: it instruments pg, ioredis and http only if they load after it.
import './observability/start-tracing';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ConfigError, loadConfig } from './config/load-config';
import { createHttpApp } from './http-app';
import { EmailTemplateError } from './notifications/email-templates';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const logger = new Logger('Main');
  if (config.processRole === 'worker') {
    const context = await NestFactory.createApplicationContext(AppModule.forRole(config), {
      bufferLogs: true,
    });
    context.useLogger(context.get(PinoNestLogger));
    context.enableShutdownHooks();
    logger.log('Worker started: consuming queues, no HTTP server');
    return;
  }
  const app = await createHttpApp(config);
  if (config.jwtSecretGenerated) {
    logger.warn('JWT_SECRET not set: using a random secret, tokens reset on restart');
  }
  await app.listen({ port: config.port, host: config.host });
  logger.log(
    `Role ${config.processRole}: API on http://${config.host}:${config.port}, docs at /api/docs`,
  );
}

bootstrap().catch((error: unknown) => {
  // Problems a person fixes in configuration or templates: the message says what, no stack.
  const plain = error instanceof ConfigError || error instanceof EmailTemplateError;
  console.error(plain ? error.message : error);
  process.exit(1);
});
