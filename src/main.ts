import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { ConfigError, loadConfig } from './config/load-config';
import { createHttpApp } from './http-app';
import { EmailTemplateError } from './notifications/email-templates';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const logger = new Logger('Main');
  if (config.processRole === 'worker') {
    const context = await NestFactory.createApplicationContext(AppModule.forRole(config));
    context.enableShutdownHooks();
    logger.log('Worker started: consuming queues, no HTTP server');
    return;
  }
  if (config.jwtSecretGenerated) {
    logger.warn('JWT_SECRET not set: using a random secret, tokens reset on restart');
  }
  const app = await createHttpApp(config);
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
