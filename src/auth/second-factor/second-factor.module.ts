import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../../audit/audit.module';
import { NotificationsModule } from '../../notifications/notifications.module';
import { UsersModule } from '../../users/users.module';
import { RecoveryCode, SecondFactor } from './second-factor.entity';
import { SecondFactorEnrolmentService } from './second-factor-enrolment.service';
import { SecondFactorStore } from './second-factor.store';

// Enrolment, reset and the stored factor; the sign-in with a code lives in AuthModule, beside
// the password step it completes.
@Module({
  imports: [
    TypeOrmModule.forFeature([SecondFactor, RecoveryCode]),
    AuditModule,
    NotificationsModule,
    UsersModule,
  ],
  providers: [SecondFactorStore, SecondFactorEnrolmentService],
  exports: [SecondFactorStore, SecondFactorEnrolmentService],
})
export class SecondFactorModule {}
