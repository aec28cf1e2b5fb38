import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeliveryReturn } from './delivery-return.entity';
import { ReturnLedger } from './return-ledger';
import { ReturnScheduleService } from './return-schedule.service';

// The returns an award owes, for the awards module (which schedules them on acceptance, cancels
// them on withdrawal and adds them on an extension), and the ledger of what they already claim.
// Kept apart from ReturnsModule, which builds on awards.
@Module({
  imports: [TypeOrmModule.forFeature([DeliveryReturn])],
  providers: [ReturnScheduleService, ReturnLedger],
  exports: [ReturnScheduleService, ReturnLedger],
})
export class ReturnScheduleModule {}
