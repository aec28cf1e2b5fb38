import { formatPounds } from './money';

describe('formatPounds', () => {
  it('shows pence as pounds with two decimals and thousands separators', () => {
    expect(formatPounds(56_000_000)).toBe('£560,000.00');
    expect(formatPounds(5)).toBe('£0.05');
    expect(formatPounds('123456789')).toBe('£1,234,567.89');
    expect(formatPounds(-150n)).toBe('-£1.50');
    expect(formatPounds(0)).toBe('£0.00');
  });

  it('refuses anything that is not whole pence', () => {
    expect(() => formatPounds(1.5)).toThrow('whole number of pence');
    expect(() => formatPounds('12.00')).toThrow('whole number of pence');
    expect(() => formatPounds(Number.MAX_SAFE_INTEGER + 2)).toThrow('whole number of pence');
  });
});
