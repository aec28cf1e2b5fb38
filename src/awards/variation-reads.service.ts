import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../common/access';
import { AwardDeliveryService, type AwardForDelivery } from './award-delivery.service';
import type { VariationDto } from './variation.dto';
import type { AwardVariation } from './variation.entity';
import { VariationStore } from './variation-store';
import { VariationViews } from './variation-views';
import { notFound } from '../common/common.errors';

// Reading variations: an applicant sees only their own organisation's (anything else answers 404
// as if it did not exist); staff see all.
@Injectable()
export class VariationReadsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly awards: AwardDeliveryService,
    private readonly store: VariationStore,
    private readonly views: VariationViews,
  ) {}

  list(user: AuthenticatedUser, awardId: string): Promise<VariationDto[]> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const award = await this.visibleAward(manager, user, awardId);
      const rows = await this.store.listOf(manager, awardId);
      return Promise.all(rows.map((row) => this.views.one(manager, row, award)));
    });
  }

  get(user: AuthenticatedUser, id: string): Promise<VariationDto> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const row = await this.visibleVariation(manager, user, id);
      return this.views.one(manager, row, await this.awards.find(manager, row.awardId));
    });
  }

  // The variation letter of an approved variation, as printable HTML.
  letter(user: AuthenticatedUser, id: string): Promise<{ filename: string; html: string }> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const row = await this.visibleVariation(manager, user, id);
      return this.views.letter(manager, row, await this.awards.find(manager, row.awardId));
    });
  }

  async visibleAward(
    manager: EntityManager,
    user: AuthenticatedUser,
    awardId: string,
  ): Promise<AwardForDelivery> {
    const award = await this.awards.find(manager, awardId);
    if (user.role === 'applicant' && award.organisationId !== user.organisationId) {
      throw notFound('Award');
    }
    return award;
  }

  async visibleVariation(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
  ): Promise<AwardVariation> {
    const row = await this.store.find(manager, id);
    if (user.role === 'applicant' && row.organisationId !== user.organisationId) {
      throw notFound('Variation');
    }
    return row;
  }
}
