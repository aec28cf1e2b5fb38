import { quarterLines, spendVariancePercent, underspendRisk } from './spend-summary.rules';

const fact = (quarter: number, kind: 'capital' | 'revenue', profile: number, claimed: number) => ({
  financialYear: '2025/26',
  quarter,
  kind,
  profilePence: profile,
  // A year of £200,000.00 over three quarters: £66,666.66, then the last takes £66,666.68.
  quarterProfilePence: quarter === 3 ? 6_666_668 : 6_666_666,
  claimedPence: claimed,
  approvedPence: claimed,
  paidPence: 0,
  forecastPence: 0,
  overdue: false,
});

const award = (
  awarded: number,
  claimed: number,
  forecast: number,
  released = 0,
  overdueReturns = 0,
  status = 'active',
) => ({
  status,
  awardedPence: awarded,
  claimedPence: claimed,
  forecastPence: forecast,
  releasedPence: released,
  overdueReturns,
});

describe('spend summary rules', () => {
  it('puts capital and revenue of a quarter side by side, with variance once something is claimed', () => {
    const lines = quarterLines([
      fact(1, 'capital', 5_000_000, 5_000_000),
      fact(1, 'revenue', 1_666_666, 1_000_000),
      fact(2, 'capital', 5_000_000, 0),
      fact(2, 'revenue', 1_666_666, 0),
    ]);
    expect(lines).toEqual([
      expect.objectContaining({
        quarter: 1,
        profilePence: 6_666_666,
        claimedCapitalPence: 5_000_000,
        claimedRevenuePence: 1_000_000,
        approvedPence: 6_000_000,
        variancePercent: -10,
      }),
      expect.objectContaining({ quarter: 2, profilePence: 6_666_666, variancePercent: null }),
    ]);
  });

  it('rounds variance to a whole percent, halves away from zero, the same in every format', () => {
    expect(spendVariancePercent(1_000, 1_001)).toBe(0);
    expect(spendVariancePercent(1_000, 1_004)).toBe(0);
    expect(spendVariancePercent(1_000, 1_005)).toBe(1);
    expect(spendVariancePercent(1_000, 995)).toBe(-1);
    expect(spendVariancePercent(1_000, 996)).toBe(0);
    expect(spendVariancePercent(6_666_666, 6_000_000)).toBe(-10);
    expect(spendVariancePercent(200, 1)).toBe(-100);
    expect(spendVariancePercent(3, 4)).toBe(33);
    // Nothing claimed yet, or no profile to compare with: no variance.
    expect(spendVariancePercent(1_000, 0)).toBeNull();
    expect(spendVariancePercent(0, 500)).toBeNull();
    // The quarter lines use the same rule.
    const [line] = quarterLines([
      { ...fact(1, 'capital', 1_000, 1_001), quarterProfilePence: 1_000 },
    ]);
    expect(line.variancePercent).toBe(0);
  });

  it('flags underspend only when claims and forecasts fall short beyond the threshold', () => {
    // £300,000 to spend, 10% threshold: £270,000 planned is on the line, a penny less is short.
    expect(underspendRisk(award(30_000_000, 20_000_000, 7_000_000), 10)).toBe(false);
    expect(underspendRisk(award(30_000_000, 20_000_000, 6_999_999), 10)).toBe(true);
    // Nothing claimed or forecast yet and nothing overdue: too early to say.
    expect(underspendRisk(award(30_000_000, 0, 0), 10)).toBe(false);
    // Releases come off what is still expected.
    expect(underspendRisk(award(30_000_000, 18_000_000, 0, 10_000_000), 10)).toBe(false);
  });

  it('flags an award with nothing claimed or forecast once a return is overdue', () => {
    expect(underspendRisk(award(30_000_000, 0, 0, 0, 1), 10)).toBe(true);
    expect(underspendRisk(award(30_000_000, 0, 0, 0, 4), 10)).toBe(true);
    // Everything released: nothing left to underspend.
    expect(underspendRisk(award(30_000_000, 0, 0, 30_000_000, 2), 10)).toBe(false);
  });

  it('flags only active awards', () => {
    for (const status of ['completed', 'withdrawn']) {
      expect(underspendRisk(award(30_000_000, 0, 0, 0, 2, status), 10)).toBe(false);
      expect(underspendRisk(award(30_000_000, 20_000_000, 0, 0, 0, status), 10)).toBe(false);
    }
  });
});
