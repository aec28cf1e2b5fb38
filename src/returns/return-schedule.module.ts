import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeliveryReturn } from './delivery-return.entity';
import { ReturnScheduleService } from './return-schedule.service';

// The returns an award owes, for the awards module (which schedules them on acceptance and
// cancels them on withdrawal). Kept apart from ReturnsModule, which builds on awards.
@Module({
  imports: [TypeOrmModule.forFeature([DeliveryReturn])],
  providers: [ReturnScheduleService],
  exports: [ReturnScheduleService],
})
export class ReturnScheduleModule {}
