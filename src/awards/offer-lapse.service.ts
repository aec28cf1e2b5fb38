import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditActor } from '../audit/audit.service';
import { AwardStore } from './award-store';
import { OffersService } from './offers.service';

export const LAPSE_ACTOR: AuditActor = { id: null, label: 'daily offer lapse job' };

// The daily lapse: every offer past its deadline is withdrawn, one transaction each, through the
// same withdrawal as the programme's (money back to the round, audited, the bidder emailed).
// Run twice or beside an acceptance, it withdraws each lapsed offer once and nothing else.
@Injectable()
export class OfferLapseService {
  private readonly logger = new Logger(OfferLapseService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly offers: OffersService,
    private readonly store: AwardStore,
  ) {}

  async lapseDue(asOf: Date): Promise<{ lapsed: number }> {
    const due = await this.store.lapsedOfferIds(this.dataSource.manager, asOf);
    let lapsed = 0;
    for (const id of due) {
      if (await this.offers.lapse(LAPSE_ACTOR, id, asOf)) {
        lapsed += 1;
      }
    }
    this.logger.log(`Offer lapse as at ${asOf.toISOString()}: ${lapsed} withdrawn`);
    return { lapsed };
  }
}
