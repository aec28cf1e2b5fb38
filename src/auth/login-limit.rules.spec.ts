import { failureMemorySeconds, waitAfterFailures } from './login-limit.rules';

describe('login back-off', () => {
  const limits = { perEmailLimit: 5, perAddressLimit: 20, windowSeconds: 60, maxWaitSeconds: 900 };

  it('lets failures under the limit pass without a wait', () => {
    expect([0, 1, 4].map((n) => waitAfterFailures(n, 5, limits))).toEqual([0, 0, 0]);
  });

  it('doubles the wait with each failure past the limit, up to the cap', () => {
    expect([5, 6, 7, 8, 9, 10, 500].map((n) => waitAfterFailures(n, 5, limits))).toEqual([
      60, 120, 240, 480, 900, 900, 900,
    ]);
  });

  it('remembers failures for longer than the longest wait', () => {
    expect(failureMemorySeconds(limits)).toBeGreaterThan(900);
  });
});
