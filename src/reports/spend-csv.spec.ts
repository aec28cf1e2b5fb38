import { plainPounds } from '../common/money';
import { pounds } from './spend-csv';

describe('pounds (CSV money from PostgreSQL pence)', () => {
  it('writes pence as pounds with two decimals, as plainPounds does', () => {
    expect(pounds('0')).toBe('0.00');
    expect(pounds('5')).toBe('0.05');
    expect(pounds('-5')).toBe('-0.05');
    expect(pounds('100')).toBe('1.00');
    expect(pounds('-123456')).toBe('-1234.56');
    expect(pounds('33385228')).toBe('333852.28');
    expect(pounds(null)).toBe('0.00');
    for (const pence of [0, 1, 9, 10, 99, 101, 999_999, 12_345_678_901, -1, -99, -100, -70_001]) {
      expect(pounds(String(pence))).toBe(plainPounds(pence));
    }
  });
});
