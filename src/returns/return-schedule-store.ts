import { Injectable } from '@nestjs/common';
import { EntityManager, In, Not } from 'typeorm';
import { DeliveryReturn } from './delivery-return.entity';
import { isWithBidder, SETTLED_RETURN_STATUSES } from './return-lifecycle';
import type { ScheduledReturnDto } from './return-response.dto';
import { readStatus, returnSchedule } from './return-schedule.rules';

export interface SchedulingRound {
  deliveryStartsOn: string;
  deliveryEndsOn: string;
  returnDueDays: number;
}

// The fields of a return its schedule shows.
export type ScheduledFields = Pick<
  DeliveryReturn,
  'id' | 'financialYear' | 'quarter' | 'periodStartsOn' | 'periodEndsOn' | 'dueOn' | 'status'
>;

export function scheduled(row: ScheduledFields, today: string): ScheduledReturnDto {
  const { id, financialYear, quarter, periodStartsOn, periodEndsOn, dueOn } = row;
  const read = readStatus(row, today);
  return {
    ...{ id, financialYear, quarter, periodStartsOn, periodEndsOn, dueOn },
    ...read,
    withBidder: isWithBidder(read.status),
  };
}

// A scheduled quarter as a new return of the award: due at once if its quarter is already over.
function newReturn(
  row: ReturnType<typeof returnSchedule>[number],
  award: { id: string; organisationId: string },
  today: string,
) {
  return {
    ...row,
    awardId: award.id,
    organisationId: award.organisationId,
    status: row.periodEndsOn < today ? ('due' as const) : ('upcoming' as const),
  };
}

// Named reads and writes of the returns an award owes (its schedule), for the awards module, in
// the caller's transaction.
@Injectable()
export class ReturnScheduleStore {
  // One return per financial quarter of the delivery period; a quarter already over when the
  // award is accepted is due at once. `today` is the UK calendar date.
  async schedule(
    manager: EntityManager,
    award: { id: string; organisationId: string },
    round: SchedulingRound,
    today: string,
  ): Promise<ScheduledReturnDto[]> {
    const rows = returnSchedule(round.deliveryStartsOn, round.deliveryEndsOn, round.returnDueDays);
    await manager.insert(
      DeliveryReturn,
      rows.map((row) => newReturn(row, award, today)),
    );
    return this.list(manager, award.id, today);
  }

  // A variation extends delivery: returns for the quarters the later end adds, from
  // `deliveryStartsOn`, those already owed kept as they are. Returns the new ones.
  async addQuarters(
    manager: EntityManager,
    award: { id: string; organisationId: string },
    round: SchedulingRound,
    today: string,
  ): Promise<ScheduledReturnDto[]> {
    const existing = new Set(
      (await manager.find(DeliveryReturn, { where: { awardId: award.id } })).map(
        (row) => `${row.financialYear} ${row.quarter}`,
      ),
    );
    const added = returnSchedule(round.deliveryStartsOn, round.deliveryEndsOn, round.returnDueDays)
      .filter((row) => !existing.has(`${row.financialYear} ${row.quarter}`))
      .map((row) => newReturn(row, award, today));
    if (added.length === 0) {
      return [];
    }
    const inserted = await manager.insert(DeliveryReturn, added);
    const ids = inserted.identifiers.map((identifier) => identifier.id as string);
    const rows = await manager.find(DeliveryReturn, {
      where: { id: In(ids) },
      order: { periodStartsOn: 'ASC' },
    });
    return rows.map((row) => scheduled(row, today));
  }

  // An award withdrawn: every return not yet approved is cancelled, including one sent back or
  // waiting for review (no more is paid on a withdrawn award). Approved returns stay as they are.
  async cancelOutstanding(manager: EntityManager, awardId: string): Promise<number> {
    const result = await manager.update(
      DeliveryReturn,
      { awardId, status: Not(In([...SETTLED_RETURN_STATUSES])) },
      { status: 'cancelled' },
    );
    return result.affected ?? 0;
  }

  async list(
    manager: EntityManager,
    awardId: string,
    today: string,
  ): Promise<ScheduledReturnDto[]> {
    const rows = await manager.find(DeliveryReturn, {
      where: { awardId },
      order: { periodStartsOn: 'ASC' },
    });
    return rows.map((row) => scheduled(row, today));
  }
}
