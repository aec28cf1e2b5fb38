import { createSecretKey } from 'node:crypto';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';

function emailOf(request: Record<string, unknown>): string {
  const body = (request as unknown as FastifyRequest).body as { email?: unknown } | undefined;
  return typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '(none)';
}

@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        // A key object made once: given the secret as a string, jsonwebtoken first tries to read
        // it as a public key on every verify, and that failed attempt costs more than the HMAC.
        const key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
        return {
          secretOrKeyProvider: () => key,
          signOptions: { expiresIn: config.jwtTtlSeconds, algorithm: 'HS256' },
        };
      },
    }),
    // Two counters on login: one per email (guessing one account) and one per address (spraying many).
    // Counts live in Redis so the limits hold across API instances.
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [
          {
            name: 'address',
            ttl: config.login.windowSeconds * 1000,
            limit: config.login.perAddressLimit,
            getTracker: (req) => String(req.ip),
          },
          {
            name: 'email',
            ttl: config.login.windowSeconds * 1000,
            limit: config.login.perEmailLimit,
            getTracker: emailOf,
          },
        ],
        storage: new ThrottlerStorageRedisService(config.redisUrl, {
          keyPrefix: `${config.redisPrefix}:throttle:`,
        }),
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, { provide: APP_GUARD, useClass: AccessGuard }],
})
export class AuthModule {}
