import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { AccountLinkRendering } from './account-link-rendering';
import { AccountSetupReminder } from './account-setup-reminder';
import { AccountLink } from './account-link.entity';
import { AccountLinkStore } from './account-link-store';
import { Invitations } from './invitations';
import { SeparationOfDutiesService } from './separation-of-duties.service';
import { User } from './user.entity';
import { UserMembership } from './user-membership.entity';
import { UserMemberships } from './user-memberships';
import { UsersController } from './users.controller';
import { PasswordHasher } from './password-hasher';
import { UsersService } from './users.service';
import { UserStore } from './user-store';

@Module({
  imports: [
    TypeOrmModule.forFeature([User, UserMembership, AccountLink]),
    OrganisationsModule,
    AuditModule,
    NotificationsModule,
  ],
  controllers: [UsersController],
  providers: [
    UsersService,
    UserStore,
    UserMemberships,
    SeparationOfDutiesService,
    AccountSetupReminder,
    AccountLinkRendering,
    AccountLinkStore,
    Invitations,
    PasswordHasher,
  ],
  exports: [
    PasswordHasher,
    UsersService,
    UserStore,
    SeparationOfDutiesService,
    Invitations,
    AccountLinkStore,
  ],
})
export class UsersModule {}
