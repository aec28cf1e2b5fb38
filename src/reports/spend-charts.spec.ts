import { awardChart, quarterChart } from './spend-charts';

describe('spend charts', () => {
  it('draws an award’s bars to scale, each named and labelled in pounds, with a legend and axis', () => {
    const svg = awardChart('a1', 'SSF5-<0001>', {
      awardedPence: 30_000_000,
      claimedPence: 15_000_000,
      approvedPence: 10_000_000,
      paidPence: 0,
    });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" role="img"/);
    expect(svg).toContain('aria-labelledby="chart-a1-title chart-a1-desc"');
    expect(svg).toContain(
      '<title id="chart-a1-title">SSF5-&#60;0001&#62;: awarded, claimed, approved and paid</title>',
    );
    // The description reads every amount, for a screen reader.
    expect(svg).toContain(
      '<desc id="chart-a1-desc">SSF5-&#60;0001&#62;: awarded £300,000.00, claimed £150,000.00, approved £100,000.00, paid £0.00.</desc>',
    );
    // Awarded takes the whole bar space (640 - 90 - 70 - 110 = 370), claimed half, paid none.
    expect(svg).toContain('width="370" height="14" fill="#1d70b8"');
    expect(svg).toContain('width="185" height="14" fill="#f47738"');
    expect(svg).toContain('width="0" height="14" fill="#4c2c92"');
    // Amounts printed at the bars' ends, a legend naming the series, an axis with its unit.
    expect(svg).toContain('>£150,000.00</text>');
    for (const name of ['Awarded', 'Claimed', 'Approved', 'Paid']) {
      expect(svg).toContain(`font-size="12">${name}</text>`);
    }
    expect(svg).toContain('>£300,000</text>');
    expect(svg).toContain('>Amount (£)</text>');
  });

  it('draws a group of columns per quarter against the largest amount', () => {
    const svg = quarterChart([
      {
        label: '2025/26 Q1',
        profilePence: 8_000,
        claimedPence: 16_000,
        approvedPence: 4_000,
        paidPence: 4_000,
      },
      {
        label: '2025/26 Q2',
        profilePence: 8_000,
        claimedPence: 0,
        approvedPence: 0,
        paidPence: 0,
      },
    ]);
    expect(svg.match(/text-anchor="middle">2025\/26 Q\d</g)).toHaveLength(2);
    // The tallest column (claimed £160.00) spans the plot height of 150, profile half of it,
    // and each column's amount is written above it.
    expect(svg).toContain('y="106" width="13" height="150" fill="#f47738"');
    expect(svg).toContain('y="181" width="13" height="75" fill="#b1b4b6"');
    expect(svg).toContain('rotate(-90)" font-size="10">£160.00</text>');
    expect(svg).toContain('>Financial year and quarter</text>');
    expect(svg).toContain(
      '2025/26 Q1: profile £80.00, claimed £160.00, approved £40.00, paid £40.00; 2025/26 Q2: profile £80.00',
    );
  });
});
