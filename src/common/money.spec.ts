import { formatPounds, penceFromPounds, plainPounds } from './money';

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

describe('plainPounds', () => {
  it('writes pence as pounds with two decimals and nothing else', () => {
    expect(plainPounds(33_385_228)).toBe('333852.28');
    expect(plainPounds(8_200_000)).toBe('82000.00');
    expect(plainPounds(5)).toBe('0.05');
    expect(plainPounds(-150)).toBe('-1.50');
    expect(plainPounds('900719925474099199')).toBe('9007199254740991.99');
  });
});

describe('penceFromPounds', () => {
  it('reads pounds as people type them, exactly', () => {
    expect(penceFromPounds('12500')).toBe(1_250_000);
    expect(penceFromPounds(' £12,500.50 ')).toBe(1_250_050);
    expect(penceFromPounds('0.5')).toBe(50);
    expect(penceFromPounds('1,234,567.89')).toBe(123_456_789);
    expect(penceFromPounds('£300')).toBe(30_000);
    expect(penceFromPounds('0')).toBe(0);
  });

  it('refuses what is not an amount of pounds and pence', () => {
    for (const text of [
      '',
      'abc',
      '12.345',
      '1,23',
      '-5',
      '+5',
      '12,5000',
      '1.',
      '.5',
      '12 500',
      '12,500.5.0',
      '£',
      '1e5',
    ]) {
      expect(penceFromPounds(text)).toBeUndefined();
    }
    expect(penceFromPounds('9'.repeat(20))).toBeUndefined();
  });
});
