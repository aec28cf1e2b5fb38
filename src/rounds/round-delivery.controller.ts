import { Body, Controller, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { auditActor } from '../audit/audit.service';
import { AuthenticatedUser, CurrentUser } from '../common/access';
import { UuidParam } from '../common/validation';
import { RoundDeliveryService } from './round-delivery.service';
import { CloseOutProblemDto, RoundDto, StartDeliveryProblemDto } from './round-response.dto';
import { StartDeliveryDto } from './round-delivery.dto';
import { RoundCommandRoute } from './rounds.controller';
import { Refuses } from '../openapi/refusals';

// The round commands guarded by what its awards, returns and payments still owe.
@ApiTags('rounds')
@Controller('rounds')
export class RoundDeliveryController {
  constructor(private readonly delivery: RoundDeliveryService) {}

  @Post(':id/start-delivery')
  @RoundCommandRoute(
    'Start the delivery period of a decided round; refused while grant offers are open unless confirmed with a reason',
    'startRoundDelivery',
    {
      type: StartDeliveryProblemDto,
      description:
        'The round is not decided, or offers are still open (listed in openOffers; confirm with confirmOpenOffers and a reason)',
    },
  )
  @Refuses(
    'deadline-extensions-running',
    'not-found',
    'round-command-refused',
    'round-offers-open',
    'round-settings-inconsistent',
  )
  startDelivery(
    @CurrentUser() admin: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: StartDeliveryDto,
  ): Promise<RoundDto> {
    return this.delivery.startDelivery(auditActor(admin), id, body ?? {});
  }

  @Post(':id/close-out')
  @RoundCommandRoute(
    'Close out a round in delivery once nothing is owed: no award unfinished, no return unapproved, no payment unmade; its money is final after',
    'closeOutRound',
    {
      type: CloseOutProblemDto,
      description:
        'The round is not in delivery, or something is still owed (listed in outstanding)',
    },
  )
  @Refuses(
    'deadline-extensions-running',
    'not-found',
    'round-command-refused',
    'round-not-settled',
    'round-settings-inconsistent',
  )
  closeOut(@CurrentUser() admin: AuthenticatedUser, @UuidParam() id: string): Promise<RoundDto> {
    return this.delivery.closeOut(auditActor(admin), id);
  }
}
