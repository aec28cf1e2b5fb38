import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeliveryReturn } from './delivery-return.entity';
import { ReturnScheduleService } from './return-schedule.service';

// Quarterly delivery returns. So far: the schedule an accepted award owes.
@Module({
  imports: [TypeOrmModule.forFeature([DeliveryReturn])],
  providers: [ReturnScheduleService],
  exports: [ReturnScheduleService],
})
export class ReturnsModule {}
