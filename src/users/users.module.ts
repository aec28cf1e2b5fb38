import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { AccountSetupReminder } from './account-emails';
import { SeparationOfDuties } from './separation-of-duties.service';
import { User } from './user.entity';
import { UserMembership } from './user-membership.entity';
import { UserMemberships } from './user-memberships';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([User, UserMembership]),
    OrganisationsModule,
    AuditModule,
    NotificationsModule,
  ],
  controllers: [UsersController],
  providers: [UsersService, UserMemberships, SeparationOfDuties, AccountSetupReminder],
  exports: [UsersService, SeparationOfDuties],
})
export class UsersModule {}
