import { Module } from '@nestjs/common';
import { AssessmentModule } from '../assessment/assessment.module';
import { SecondFactorModule } from '../auth/second-factor/second-factor.module';
import { AwardsModule } from '../awards/awards.module';
import { BidsModule } from '../bids/bids.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ReturnsModule } from '../returns/returns.module';
import { RoundDeliveryModule } from '../rounds/round-delivery.module';
import { RoundsModule } from '../rounds/rounds.module';
import { UsersModule } from '../users/users.module';
import { DemoRoster } from './demo-roster';
import { DemoSeedService } from './demo-seed.service';

@Module({
  imports: [
    OrganisationsModule,
    UsersModule,
    RoundsModule,
    RoundDeliveryModule,
    BidsModule,
    AssessmentModule,
    AwardsModule,
    ReturnsModule,
    SecondFactorModule,
  ],
  providers: [DemoSeedService, DemoRoster],
  exports: [DemoSeedService, DemoRoster],
})
export class DemoModule {}
