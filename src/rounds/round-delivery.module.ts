import { Module } from '@nestjs/common';
import { AwardsModule } from '../awards/awards.module';
import { ReturnsModule } from '../returns/returns.module';
import { RoundDeliveryController } from './round-delivery.controller';
import { RoundDeliveryService } from './round-delivery.service';
import { RoundsModule } from './rounds.module';

// Starting delivery and closing out ask the awards and returns modules what is still open or
// owed; kept apart from RoundsModule, which those modules themselves import.
@Module({
  imports: [RoundsModule, AwardsModule, ReturnsModule],
  controllers: [RoundDeliveryController],
  providers: [RoundDeliveryService],
  exports: [RoundDeliveryService],
})
export class RoundDeliveryModule {}
