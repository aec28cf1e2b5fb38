import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AccountsModule } from '../users/accounts.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginLimiter } from './login-limiter';
import { PasswordController } from './password.controller';
import { SessionStore } from './sessions/session-store';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsService } from './sessions/sessions.service';
import { SignedInCache } from './sessions/signed-in-cache';
import { SpentRefreshToken, UserSession } from './sessions/user-session.entity';
import { SignInAudit } from './sign-in-audit';
import { SecondFactorChallenges } from './second-factor/second-factor-challenges';
import { SecondFactorLimiter } from './second-factor/second-factor-limiter';
import { SecondFactorLoginService } from './second-factor/second-factor-login.service';
import { SecondFactorController } from './second-factor/second-factor.controller';
import { SecondFactorModule } from './second-factor/second-factor.module';

@Module({
  imports: [
    UsersModule,
    AuditModule,
    AccountsModule,
    TypeOrmModule.forFeature([UserSession, SpentRefreshToken]),
    SecondFactorModule,
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
  ],
  controllers: [AuthController, SessionsController, PasswordController, SecondFactorController],
  providers: [
    AuthService,
    LoginLimiter,
    SessionStore,
    SessionsService,
    SignedInCache,
    SignInAudit,
    SecondFactorChallenges,
    SecondFactorLimiter,
    SecondFactorLoginService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthService],
})
export class AuthModule {}
