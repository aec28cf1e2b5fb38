import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditActor } from '../audit/audit.service';
import { AwardDeliveryService } from '../awards/award-delivery.service';
import { formatLondonZoned } from '../common/london-time';
import { ReturnsService } from '../returns/returns.service';
import type { RoundDto } from './round-response.dto';
import type { StartDeliveryDto } from './round-delivery.dto';
import { closeOutRefusal, startDeliveryRefusal } from './rounds.rules';
import { type RoundCommandGuard, RoundsService } from './rounds.service';
import { roundError } from './rounds.errors';

// The two round commands that depend on the round's awards, returns and payments: delivery
// starts once offers are settled (or with a recorded reason), close-out only when nothing is
// owed. Each asks the feature that owns the objects, inside the command's transaction, with
// the round locked, so nothing changes between the check and the move.
@Injectable()
export class RoundDeliveryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rounds: RoundsService,
    private readonly awards: AwardDeliveryService,
    private readonly returns: ReturnsService,
  ) {}

  startDelivery(
    actor: AuditActor,
    id: string,
    input: StartDeliveryDto,
    now = new Date(),
  ): Promise<RoundDto> {
    return this.dataSource.transaction(async (manager) => {
      const guard: RoundCommandGuard = {
        check: async (round) => {
          const offers = await this.awards.openOffers(manager, round.id, now);
          const refusal = startDeliveryRefusal(offers, input);
          if (refusal) {
            throw roundError('round-offers-open', {
              message: `Cannot start delivery of round ${round.code}: ${refusal}.`,
              extensions: {
                openOffers: offers.map((offer) => ({
                  ...offer,
                  offerExpiresUkTime: formatLondonZoned(offer.offerExpiresAt),
                })),
              },
            });
          }
          // The confirmation's reason, with the offers it overrode, goes into the audit trail.
          if (offers.length > 0) {
            guard.reason = `${input.reason?.trim()} (open offers: ${offers.map((offer) => offer.reference).join(', ')})`;
          }
        },
      };
      return this.rounds.runIn(manager, actor, id, 'start-delivery', now, {}, guard);
    });
  }

  closeOut(actor: AuditActor, id: string, now = new Date()): Promise<RoundDto> {
    return this.dataSource.transaction((manager) =>
      this.rounds.runIn(
        manager,
        actor,
        id,
        'close-out',
        now,
        {},
        {
          check: async (round) => {
            const outstanding = [
              ...(await this.awards.unsettled(manager, round.id)),
              ...(await this.returns.outstandingInRound(manager, round.id, now)),
            ];
            const refusal = closeOutRefusal(outstanding);
            if (refusal) {
              throw roundError('round-not-settled', {
                message: `Cannot close out round ${round.code}: ${refusal}.`,
                extensions: { outstanding },
              });
            }
          },
        },
      ),
    );
  }
}
