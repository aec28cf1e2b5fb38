import { amountsByYear, statusOf } from './award-views';

describe('award views', () => {
  it('adds up the amounts per financial year and kind, in pounds, with the whole award', () => {
    const amounts = amountsByYear(
      [
        { financialYear: '2027/28', kind: 'revenue', amountPence: 5_000_000 },
        { financialYear: '2026/27', kind: 'capital', amountPence: 10_000_050 },
        { financialYear: '2027/28', kind: 'capital', amountPence: 15_000_000 },
      ],
      30_000_050,
    );
    expect(amounts).toEqual({
      years: [
        { year: '2026/27', capital: '£100,000.50', revenue: '£0.00', total: '£100,000.50' },
        { year: '2027/28', capital: '£150,000.00', revenue: '£50,000.00', total: '£200,000.00' },
      ],
      capital: '£250,000.50',
      revenue: '£50,000.00',
      total: '£300,000.50',
    });
  });

  it('says an offer past its deadline has lapsed, whatever its status still reads', () => {
    expect(statusOf('offered', false).statusText).toBe('Offered: waiting to be accepted');
    expect(statusOf('offered', true).statusText).toBe('Offer lapsed: not accepted by its deadline');
    expect(statusOf('active', false).statusTag).toBe('govuk-tag--green');
    expect(statusOf('completed', false).statusTag).toBe('govuk-tag--grey');
  });
});
