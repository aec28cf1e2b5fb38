import { penceTransformer, UnsafeMoneyError } from './pence.transformer';

describe('penceTransformer', () => {
  it('round-trips whole pence exactly', () => {
    expect(penceTransformer.to(24385228)).toBe('24385228');
    expect(penceTransformer.from('24385228')).toBe(24385228);
    expect(penceTransformer.from(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('passes null through', () => {
    expect(penceTransformer.to(null)).toBeNull();
    expect(penceTransformer.from(null)).toBeNull();
  });

  it('refuses fractions and values beyond the safe range', () => {
    expect(() => penceTransformer.to(12.5)).toThrow(UnsafeMoneyError);
    expect(() => penceTransformer.to(Number.MAX_SAFE_INTEGER + 1)).toThrow(UnsafeMoneyError);
    expect(() => penceTransformer.from('9007199254740993')).toThrow(UnsafeMoneyError);
  });
});
