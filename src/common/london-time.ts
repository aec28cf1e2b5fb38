// Instants are stored and sent in UTC; people read them in UK time.
const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

const LONDON_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

// Formatting is slow next to the rest of a read, and a page of bids shows the same few
// deadlines again and again: the texts of recent instants are kept (cleared past MAX_KEPT).
const formatted = new Map<number, string>();
const MAX_KEPT = 1_000;

export function formatLondon(instant: Date): string {
  const time = instant.getTime();
  let text = formatted.get(time);
  if (text === undefined) {
    text = LONDON.format(instant).replace(' at ', ', ');
    if (formatted.size >= MAX_KEPT) {
      formatted.clear();
    }
    formatted.set(time, text);
  }
  return text;
}

export function formatLondonDate(instant: Date): string {
  return LONDON_DATE.format(instant);
}

// `YYYY-MM-DD HH:mm:ss` on a London wall clock.
const LONDON_CLOCK = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

// The calendar date (`YYYY-MM-DD`) in London at an instant.
export function londonDateOf(instant: Date): string {
  return LONDON_CLOCK.format(instant).slice(0, 10);
}

// A calendar date `days` later (or earlier, when negative).
export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

// The last moment of a London calendar day (23:59:59.999), as an instant: a deadline "by the
// end of" that day. London is UTC or one hour ahead, and no clock change happens at midnight,
// so one of the two candidates reads 23:59:59 on that day.
export function endOfLondonDay(isoDate: string): Date {
  const utc = new Date(`${isoDate}T23:59:59.999Z`);
  const summer = new Date(utc.getTime() - 3_600_000);
  return LONDON_CLOCK.format(summer) === `${isoDate} 23:59:59` ? summer : utc;
}

// The same over an SQL date expression (`d.due_on`), as an SQL timestamptz.
export function endOfLondonDaySql(date: string): string {
  return `(((${date} + 1)::timestamp AT TIME ZONE 'Europe/London') - interval '1 millisecond')`;
}

const LONDON_ZONED = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

// An instant as a person in the UK reads it, to the second, with the clock it is on named:
// `1 April 2026 09:00:05 BST` (or GMT in winter), so a file read abroad is not misread.
export function formatLondonZoned(instant: Date): string {
  const part = Object.fromEntries(
    LONDON_ZONED.formatToParts(instant).map((p) => [p.type, p.value]),
  );
  return `${part.day} ${part.month} ${part.year} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
}

// The same in SQL, over an SQL timestamptz (for files PostgreSQL writes). to_char drops the
// fraction of a second, as the formatter does; London is on BST when its clock is ahead of UTC.
export function londonZonedSql(instant: string): string {
  const london = `(${instant}) AT TIME ZONE 'Europe/London'`;
  return `to_char(${london}, 'FMDD FMMonth YYYY HH24:MI:SS')
          || CASE WHEN ${london} = (${instant}) AT TIME ZONE 'UTC' THEN ' GMT' ELSE ' BST' END`;
}

// An instant on the UK clock with its zone, safe in a file name: `2026-04-01-0030-BST` (GMT in
// winter), to the minute, so the name says what the file's "as at" rows say.
export function londonFileStamp(instant: Date): string {
  const part = Object.fromEntries(
    LONDON_ZONED.formatToParts(instant).map((p) => [p.type, p.value]),
  );
  return `${londonDateOf(instant)}-${part.hour}${part.minute}-${part.timeZoneName}`;
}

// A calendar date (`2026-12-03`) as people in the UK write it: `3 December 2026`. Read at noon
// UTC, which is the same day in London whatever the season.
export function formatUkDate(isoDate: string): string {
  return formatLondonDate(new Date(`${isoDate}T12:00:00Z`));
}
