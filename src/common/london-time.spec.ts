import { formatLondon } from './london-time';

describe('formatLondon', () => {
  it('shows British Summer Time an hour ahead of UTC', () => {
    expect(formatLondon(new Date('2021-07-15T22:59:00Z'))).toBe('15 July 2021, 23:59');
  });

  it('shows winter instants as UTC', () => {
    expect(formatLondon(new Date('2021-01-15T09:30:00Z'))).toBe('15 January 2021, 09:30');
  });
});
