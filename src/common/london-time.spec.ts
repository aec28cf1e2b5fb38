import {
  addDays,
  addLondonDays,
  endOfLondonDay,
  formatLondonZoned,
  formatUkDate,
  londonDateOf,
  londonFileStamp,
  startOfLondonDay,
} from './london-time';

describe('formatLondonZoned', () => {
  it('shows British Summer Time an hour ahead of UTC, and says so', () => {
    expect(formatLondonZoned(new Date('2021-07-15T22:59:00Z'))).toBe('15 July 2021 23:59:00 BST');
  });

  it('shows winter instants as UTC, named GMT', () => {
    expect(formatLondonZoned(new Date('2021-01-15T09:30:00Z'))).toBe(
      '15 January 2021 09:30:00 GMT',
    );
  });
});

describe('London calendar days', () => {
  it('reads the London date, which runs an hour ahead of UTC in summer', () => {
    expect(londonDateOf(new Date('2026-07-15T23:30:00Z'))).toBe('2026-07-16');
    expect(londonDateOf(new Date('2026-01-15T23:30:00Z'))).toBe('2026-01-15');
  });

  it('ends a summer day at 22:59:59.999 UTC and a winter day at 23:59:59.999 UTC', () => {
    expect(endOfLondonDay('2026-07-15').toISOString()).toBe('2026-07-15T22:59:59.999Z');
    expect(endOfLondonDay('2026-12-15').toISOString()).toBe('2026-12-15T23:59:59.999Z');
  });

  it('ends the days of the clock changes on the right side of them', () => {
    // Clocks go forward on 29 March 2026 and back on 25 October 2026.
    expect(endOfLondonDay('2026-03-29').toISOString()).toBe('2026-03-29T22:59:59.999Z');
    expect(endOfLondonDay('2026-10-25').toISOString()).toBe('2026-10-25T23:59:59.999Z');
  });

  it('starts a day at 00:00 on the UK clock, BST or GMT', () => {
    expect(startOfLondonDay('2027-04-01').toISOString()).toBe('2027-03-31T23:00:00.000Z');
    expect(startOfLondonDay('2027-01-01').toISOString()).toBe('2027-01-01T00:00:00.000Z');
    // 29 March 2026 starts in GMT; the clocks go forward at 01:00 that night.
    expect(startOfLondonDay('2026-03-29').toISOString()).toBe('2026-03-29T00:00:00.000Z');
  });

  it('counts days across month, year and leap-day boundaries', () => {
    expect(addDays('2026-12-20', 28)).toBe('2027-01-17');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('londonFileStamp', () => {
  it('names a moment by the UK clock and its zone, safe in a file name', () => {
    expect(londonFileStamp(new Date('2026-03-31T23:30:00Z'))).toBe('2026-04-01-0030-BST');
    expect(londonFileStamp(new Date('2026-01-15T09:05:59Z'))).toBe('2026-01-15-0905-GMT');
  });

  it('tells apart the two 01:30s of the night the clocks go back', () => {
    // 25 October 2026: 01:30 BST (00:30 UTC), then 01:30 GMT (01:30 UTC).
    expect(londonFileStamp(new Date('2026-10-25T00:30:00Z'))).toBe('2026-10-25-0130-BST');
    expect(londonFileStamp(new Date('2026-10-25T01:30:00Z'))).toBe('2026-10-25-0130-GMT');
  });
});

describe('formatUkDate', () => {
  it('writes a calendar date as people in the UK do', () => {
    expect(formatUkDate('2026-12-03')).toBe('3 December 2026');
    expect(formatUkDate('2026-03-29')).toBe('29 March 2026');
  });
});

describe('addLondonDays', () => {
  it('keeps the UK wall-clock time across the clock changes', () => {
    // 23:59:59 BST on 20 October 2026; 14 days later is 23:59:59 GMT on 3 November.
    expect(addLondonDays(new Date('2026-10-20T22:59:59.999Z'), 14).toISOString()).toBe(
      '2026-11-03T23:59:59.999Z',
    );
    // 23:59:59 GMT on 20 March 2026; 14 days later is 23:59:59 BST on 3 April.
    expect(addLondonDays(new Date('2026-03-20T23:59:59Z'), 14).toISOString()).toBe(
      '2026-04-03T22:59:59.000Z',
    );
  });

  it('is plain 24-hour days when no clock change falls between', () => {
    expect(addLondonDays(new Date('2026-07-15T22:59:00Z'), 14).toISOString()).toBe(
      '2026-07-29T22:59:00.000Z',
    );
  });
});
