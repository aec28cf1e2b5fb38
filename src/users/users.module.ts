import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { AccountSetupReminder } from './account-emails';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([User]),
    OrganisationsModule,
    AuditModule,
    NotificationsModule,
  ],
  controllers: [UsersController],
  providers: [UsersService, AccountSetupReminder],
  exports: [UsersService],
})
export class UsersModule {}
