import type { HelperDelegate } from 'handlebars';
import { formatLondonDate, formatLondonZoned } from '../common/london-time';
import { formatPounds } from '../common/money';

// Email data is JSON: instants arrive as ISO strings, money as whole pence.
function instant(value: unknown, helper: string): Date {
  const date = value instanceof Date ? value : new Date(typeof value === 'string' ? value : NaN);
  if (Number.isNaN(date.getTime())) {
    throw new TypeError(`{{${helper}}} needs an ISO date-time, got ${JSON.stringify(value)}`);
  }
  return date;
}

export const EMAIL_HELPERS: Record<string, HelperDelegate> = {
  // {{pounds awardPence}} -> £1,234.56
  pounds: (pence: unknown) => {
    if (typeof pence !== 'number' && typeof pence !== 'string' && typeof pence !== 'bigint') {
      throw new TypeError(`{{pounds}} needs whole pence, got ${JSON.stringify(pence)}`);
    }
    return formatPounds(pence);
  },
  // {{date closesAt}} -> 25 November 2026 (UK date)
  date: (value: unknown) => formatLondonDate(instant(value, 'date')),
  // {{ukTime closesAt}} -> 25 November 2026 17:00:00 GMT (the zone named: no "(UK time)" needed)
  ukTime: (value: unknown) => formatLondonZoned(instant(value, 'ukTime')),
};
