import { financialYearOf, financialYearsBetween, isFinancialYear } from './financial-year';

describe('financial years', () => {
  it('starts a financial year on 1 April', () => {
    expect(financialYearOf('2022-03-31')).toBe('2021/22');
    expect(financialYearOf('2022-04-01')).toBe('2022/23');
    expect(financialYearOf('1999-12-31')).toBe('1999/00');
  });

  it('lists the years a delivery period touches', () => {
    expect(financialYearsBetween('2022-04-01', '2023-09-30')).toEqual(['2022/23', '2023/24']);
    expect(financialYearsBetween('2021-08-01', '2022-03-31')).toEqual(['2021/22']);
  });

  it('accepts only consecutive year pairs', () => {
    expect(isFinancialYear('2022/23')).toBe(true);
    expect(isFinancialYear('1999/00')).toBe(true);
    expect(isFinancialYear('2022/24')).toBe(false);
    expect(isFinancialYear('2022-23')).toBe(false);
  });
});
