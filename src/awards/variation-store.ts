import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { ReturnLedgerStore } from '../returns/return-ledger-store';
import { ReturnScheduleStore } from '../returns/return-schedule-store';
import type { ScheduledReturnDto } from '../returns/return-response.dto';
import type { RoundWithParts } from '../rounds/round-views';
import type { AwardForDelivery } from './award-delivery.service';
import { AwardStore } from './award-store';
import { AwardVariation, OPEN_VARIATION_STATUSES } from './variation.entity';
import {
  evenProfile,
  linesOf,
  type ProfileCell,
  type VariationCheck,
  type YearKindLine,
} from './variation.rules';
import { notFound } from '../common/common.errors';

// The award as a variation changes it: its profile, lines, delivery end and returns now.
export interface AwardAsItStands {
  profile: ProfileCell[];
  lines: YearKindLine[];
  amountPence: number;
  deliveryEndsOn: string;
  returns: ScheduledReturnDto[];
}

// Named data access for variations, inside the caller's transaction.
@Injectable()
export class VariationStore {
  constructor(
    private readonly awards: AwardStore,
    private readonly schedule: ReturnScheduleStore,
    private readonly ledger: ReturnLedgerStore,
  ) {}

  async find(manager: EntityManager, id: string, lock = false): Promise<AwardVariation> {
    const row = await manager.findOne(AwardVariation, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!row) {
      throw notFound('Variation');
    }
    return row;
  }

  listOf(manager: EntityManager, awardId: string): Promise<AwardVariation[]> {
    return manager.find(AwardVariation, { where: { awardId }, order: { requestedAt: 'ASC' } });
  }

  openOf(manager: EntityManager, awardId: string): Promise<AwardVariation | null> {
    return manager.findOne(AwardVariation, {
      where: { awardId, status: In(OPEN_VARIATION_STATUSES) },
    });
  }

  // Approved variations, oldest first.
  approvedOf(manager: EntityManager, awardId: string): Promise<AwardVariation[]> {
    return manager.find(AwardVariation, {
      where: { awardId, status: 'approved' },
      order: { approvedAt: 'ASC' },
    });
  }

  // The award as it stands: the latest approved variation's profile and delivery end, or (never
  // varied) its lines spread evenly over its returns and the round's delivery end.
  async current(
    manager: EntityManager,
    award: AwardForDelivery,
    round: RoundWithParts,
    today: string,
  ): Promise<AwardAsItStands> {
    const returns = await this.schedule.list(manager, award.id, today);
    const approved = await this.approvedOf(manager, award.id);
    const latest = approved.at(-1);
    const extended = approved.filter((v) => v.deliveryEndsOn !== null).at(-1);
    const profile = latest ? latest.profile : evenProfile(award.lines, returns.map(quarterOf));
    return {
      profile,
      lines: award.lines,
      amountPence: award.lines.reduce((sum, line) => sum + line.amountPence, 0),
      deliveryEndsOn: extended?.deliveryEndsOn ?? round.deliveryEndsOn,
      returns,
    };
  }

  // What returns already hold against each year × kind: approved spend and claims under review.
  committed(manager: EntityManager, awardId: string): Promise<YearKindLine[]> {
    return this.ledger.committed(manager, awardId, null);
  }

  // A new variation; answers its id.
  async insert(manager: EntityManager, fields: Partial<AwardVariation>): Promise<string> {
    const inserted = await manager.insert(AwardVariation, fields);
    return inserted.identifiers[0].id as string;
  }

  async update(manager: EntityManager, id: string, fields: Partial<AwardVariation>): Promise<void> {
    await manager.update(AwardVariation, { id }, fields);
  }

  // The award's lines and total become the profile's; the caller holds the award row.
  async replaceLines(manager: EntityManager, awardId: string, profile: ProfileCell[]) {
    const lines = linesOf(profile);
    const amountPence = await this.awards.replaceLines(manager, awardId, lines);
    return { lines, amountPence };
  }

  addQuarters(
    manager: EntityManager,
    award: AwardForDelivery,
    round: RoundWithParts,
    deliveryEndsOn: string,
    today: string,
  ): Promise<ScheduledReturnDto[]> {
    return this.schedule.addQuarters(manager, award, { ...round, deliveryEndsOn }, today);
  }
}

export const quarterOf = (row: {
  financialYear: string;
  quarter: number;
}): VariationCheck['addedQuarters'][number] => ({
  financialYear: row.financialYear,
  quarter: row.quarter as 1 | 2 | 3 | 4,
});
