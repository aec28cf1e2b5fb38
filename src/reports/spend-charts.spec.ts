import { awardChart, quarterChart } from './spend-charts';

describe('spend charts', () => {
  it('draws an award’s bars to scale, labelled in pounds, with an accessible title', () => {
    const svg = awardChart('SSF5-<0001>', {
      awardedPence: 30_000_000,
      claimedPence: 15_000_000,
      paidPence: 0,
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" role="img"')).toBe(true);
    expect(svg).toContain(
      '<title>SSF5-&#60;0001&#62;: awarded £300,000.00, claimed £150,000.00, paid £0.00</title>',
    );
    // Awarded takes the whole bar space (420 - 80 - 110 = 230), claimed half, paid none.
    expect(svg).toContain('width="230" height="14" fill="#1d70b8"');
    expect(svg).toContain('width="115" height="14" fill="#f47738"');
    expect(svg).toContain('width="0" height="14" fill="#4c2c92"');
  });

  it('draws a column group per quarter against the largest amount', () => {
    const svg = quarterChart([
      { label: '2025/26 Q1', profilePence: 8_000, claimedPence: 16_000, paidPence: 4_000 },
      { label: '2025/26 Q2', profilePence: 8_000, claimedPence: 0, paidPence: 0 },
    ]);
    expect(svg.match(/<text /g)).toHaveLength(2);
    // The tallest column (claimed £160.00) spans the plot height of 160.
    expect(svg).toContain(
      'y="20" width="18" height="160" fill="#f47738"><title>2025/26 Q1 claimed: £160.00</title>',
    );
    expect(svg).toContain('<title>2025/26 Q2 profile: £80.00</title>');
  });
});
