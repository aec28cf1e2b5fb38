import { addDays } from '../common/london-time';
import { financialYearOf } from '../rounds/financial-year';
import { isWithBidder } from './return-lifecycle';

export type FinancialQuarter = 1 | 2 | 3 | 4;

export interface ScheduledReturn {
  financialYear: string;
  // Q1 April–June, Q2 July–September, Q3 October–December, Q4 January–March.
  quarter: FinancialQuarter;
  periodStartsOn: string;
  periodEndsOn: string;
  dueOn: string;
}

const pad = (value: number) => String(value).padStart(2, '0');

// The calendar quarter starting in `month` (1, 4, 7 or 10) of `year`.
function quarterOf(year: number, month: number) {
  const startsOn = `${year}-${pad(month)}-01`;
  const next = month === 10 ? `${year + 1}-01-01` : `${year}-${pad(month + 3)}-01`;
  return { startsOn, endsOn: addDays(next, -1), next };
}

// One return per financial quarter that the delivery period (inclusive dates) touches, each
// due `dueDays` after its quarter ends.
export function returnSchedule(
  deliveryStartsOn: string,
  deliveryEndsOn: string,
  dueDays: number,
): ScheduledReturn[] {
  const firstMonth = Number(deliveryStartsOn.slice(5, 7));
  let year = Number(deliveryStartsOn.slice(0, 4));
  let month = firstMonth - ((firstMonth - 1) % 3);
  const schedule: ScheduledReturn[] = [];
  while (`${year}-${pad(month)}-01` <= deliveryEndsOn) {
    const { startsOn, endsOn, next } = quarterOf(year, month);
    schedule.push({
      financialYear: financialYearOf(startsOn),
      quarter: (month >= 4 ? (month - 1) / 3 : 4) as FinancialQuarter,
      periodStartsOn: startsOn,
      periodEndsOn: endsOn,
      dueOn: addDays(endsOn, dueDays),
    });
    year = Number(next.slice(0, 4));
    month = Number(next.slice(5, 7));
  }
  return schedule;
}

// A return's status as people read it: `due` once its quarter is over (whether or not anything
// has moved it yet), and overdue past its due date while it is with the bidder: not yet sent, or
// sent back for changes. `today` is the UK calendar date.
export function readStatus<S extends string>(
  row: { status: S | 'upcoming'; periodEndsOn: string; dueOn: string },
  today: string,
): { status: S | 'upcoming' | 'due'; overdue: boolean } {
  const status = row.status === 'upcoming' && row.periodEndsOn < today ? 'due' : row.status;
  // (An `upcoming` one is still in its quarter, so never past its due date.)
  return { status, overdue: isWithBidder(status) && row.dueOn < today };
}
