import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BidStore } from '../bids/bid-store';
import { isOutOfDraft } from '../bids/bid-lifecycle';
import { BidsService } from '../bids/bids.service';
import type { AuthenticatedUser } from '../common/access';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ReturnViews } from '../returns/return-views';
import { WITH_BIDDER } from '../returns/return-lifecycle';
import type { Owner } from './document-store';
import { documentError } from './documents.errors';
import { notFound } from '../common/common.errors';

// A document follows its owner's access rules: whoever may read the bid or return may read its
// (clean) documents, and only its bidder may add or remove them while it is still editable.
@Injectable()
export class DocumentOwners {
  constructor(
    private readonly bids: BidsService,
    private readonly bidStore: BidStore,
    private readonly returns: ReturnViews,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // 404 (as for the owner itself) when the user may not read it.
  async checkReadable(manager: EntityManager, user: AuthenticatedUser, owner: Owner) {
    if (owner.type === 'bid') {
      await this.bids.readable(user, manager, owner.id);
    } else {
      await this.returns.visible(manager, user, owner.id);
    }
  }

  // Locks the owner row until commit (uploads and deletes of one owner happen one at a time, so
  // parallel uploads cannot pass its limit) and checks it is still the bidder's to change.
  // Answers the most documents it may carry.
  async lockEditable(
    manager: EntityManager,
    user: AuthenticatedUser,
    owner: Owner,
  ): Promise<{ limit: number }> {
    if (owner.type === 'bid') {
      const bid = await this.bidStore.lockRow(manager, owner.id);
      if (!bid || user.role !== 'applicant' || bid.organisationId !== user.organisationId) {
        throw notFound('Bid');
      }
      if (isOutOfDraft(bid)) {
        throw documentError('document-owner-frozen', {
          message: `Bid ${bid.reference} is ${bid.status}: its documents were frozen when it was submitted, so none can be added or removed.`,
        });
      }
      return { limit: this.config.documents.maxPerBid };
    }
    if (user.role !== 'applicant') {
      throw notFound('Return');
    }
    const { row, award } = await this.returns.lockWithAward(manager, user, owner.id);
    if (!WITH_BIDDER.includes(row.status)) {
      throw documentError('document-owner-frozen', {
        message: `This return is ${row.status}: its evidence is frozen${row.status === 'cancelled' ? '' : ' once it is submitted, until finance sends it back'}, so documents can no longer be added or removed.`,
      });
    }
    if (award.status !== 'active') {
      throw documentError('document-owner-frozen', {
        message: `Award ${award.reference} is ${award.status}; only an active award's returns take evidence.`,
      });
    }
    return { limit: this.config.documents.maxPerReturn };
  }
}
