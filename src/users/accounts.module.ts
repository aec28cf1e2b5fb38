import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { AccountsController } from './accounts.controller';
import { PasswordResets } from './password-resets';
import { Passwords } from './passwords';
import { ResetRequestLimiter } from './reset-request-limiter';
import { UsersModule } from './users.module';

// What people do with their own accounts: accept an invitation, change or reset a password.
// Apart from the users module because it needs the job queue and Redis, which the CLI's
// create-admin and demo seed (users module only) do not start.
@Module({
  imports: [UsersModule, AuditModule, NotificationsModule],
  controllers: [AccountsController],
  providers: [Passwords, PasswordResets, ResetRequestLimiter],
  exports: [Passwords, PasswordResets],
})
export class AccountsModule {}
