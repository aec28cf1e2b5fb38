// Instants are stored and sent in UTC; people read them in UK time, with the clock named.
const LONDON_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

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

// The same over an SQL timestamptz (`$1::timestamptz`), as an SQL date: never `::date`, which
// reads the day on the database session's clock.
export function londonDateOfSql(instant: string): string {
  return `(${instant} AT TIME ZONE 'Europe/London')::date`;
}

// A calendar date `days` later (or earlier, when negative).
export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

// The instant a London calendar day reads `clock` (`HH:mm:ss.SSS`). London is UTC or one hour
// ahead: one of the two candidates reads it, the summer one when both do (the hour the clocks go
// back), and a time the clocks skip reads an hour later.
function londonInstant(isoDate: string, clock: string): Date {
  const utc = new Date(`${isoDate}T${clock}Z`);
  const summer = new Date(utc.getTime() - 3_600_000);
  return LONDON_CLOCK.format(summer) === `${isoDate} ${clock.slice(0, 8)}` ? summer : utc;
}

// The first moment of a London calendar day (00:00): no clock change happens at midnight.
export function startOfLondonDay(isoDate: string): Date {
  return londonInstant(isoDate, '00:00:00.000');
}

// The first London calendar day that starts at or after an instant: the instant's own day when
// it is that day's 00:00, else the next.
export function firstLondonDayFrom(instant: Date): string {
  const day = londonDateOf(instant);
  return startOfLondonDay(day).getTime() === instant.getTime() ? day : addDays(day, 1);
}

// The last moment of a London calendar day (23:59:59.999), as an instant: a deadline "by the
// end of" that day.
export function endOfLondonDay(isoDate: string): Date {
  return londonInstant(isoDate, '23:59:59.999');
}

// The same UK wall-clock time `days` calendar days later: across a clock change that is an hour
// more or less than `days` × 24 hours, so 23:59:59 stays 23:59:59.
export function addLondonDays(instant: Date, days: number): Date {
  const [date, time] = LONDON_CLOCK.format(instant).split(' ');
  const millis = String(instant.getUTCMilliseconds()).padStart(3, '0');
  return londonInstant(addDays(date, days), `${time}.${millis}`);
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

// Formatting is slow next to the rest of a read, and a page of bids shows the same few
// deadlines again and again: the texts of recent instants are kept (cleared past MAX_KEPT).
const formatted = new Map<number, string>();
const MAX_KEPT = 1_000;

// An instant as a person in the UK reads it, to the second, with the clock it is on named:
// `1 April 2026 09:00:05 BST` (or GMT in winter), so it is never misread, abroad or in summer.
// The one way a UK time is written for people: API texts, pages, emails, letters and reports.
export function formatLondonZoned(instant: Date): string {
  const time = instant.getTime();
  let text = formatted.get(time);
  if (text === undefined) {
    const part = Object.fromEntries(
      LONDON_ZONED.formatToParts(instant).map((p) => [p.type, p.value]),
    );
    text = `${part.day} ${part.month} ${part.year} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
    if (formatted.size >= MAX_KEPT) {
      formatted.clear();
    }
    formatted.set(time, text);
  }
  return text;
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
