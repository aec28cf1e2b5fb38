import { TasksModule } from '../tasks/tasks.module';
import { ReturnTasks } from './return-tasks';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { AwardsModule } from '../awards/awards.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { DocumentStore } from '../documents/document-store';
import { UsersModule } from '../users/users.module';
import { DeliveryReturn } from './delivery-return.entity';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { ReturnLedgerStore } from './return-ledger-store';
import { ReturnPayment } from './return-payment.entity';
import { ReturnReminders } from './return-reminders';
import { ReturnReviewService } from './return-review.service';
import { ReturnSpendLine, ReturnSubmission } from './return-submission.entity';
import { ReturnReviewStore } from './return-review-store';
import { ReturnStore } from './return-store';
import { ReturnViews } from './return-views';
import { ReturnsController } from './returns.controller';
import { ReturnsService } from './returns.service';
import { YearEndRelease } from './year-end-release.entity';

// Quarterly delivery returns of active awards: drafting and submitting, finance's review,
// payments in arrears, year-end releases, the award's position and the return reminders.
@Module({
  imports: [
    TypeOrmModule.forFeature([
      DeliveryReturn,
      ReturnSubmission,
      ReturnSpendLine,
      ReturnPayment,
      YearEndRelease,
    ]),
    AuditModule,
    AwardsModule,
    NotificationsModule,
    TasksModule,
    UsersModule,
  ],
  controllers: [ReturnsController, PaymentsController],
  // For the demo seed, which writes, reviews and pays returns through the same services; the
  // views for documents, which follow a return's access rules.
  exports: [PaymentsService, ReturnReviewService, ReturnsService, ReturnViews],
  providers: [
    // Stateless named queries: submission checks the evidence it sends is scanned clean.
    DocumentStore,
    PaymentsService,
    ReturnLedgerStore,
    ReturnReminders,
    ReturnTasks,
    ReturnReviewService,
    ReturnReviewStore,
    ReturnStore,
    ReturnViews,
    ReturnsService,
  ],
})
export class ReturnsModule {}
