// UK public-sector financial years run 1 April to 31 March and are written `2022/23`.

const FINANCIAL_YEAR = /^(\d{4})\/(\d{2})$/;

export function isFinancialYear(value: string): boolean {
  const match = FINANCIAL_YEAR.exec(value);
  return match !== null && (Number(match[1]) + 1) % 100 === Number(match[2]);
}

export function financialYearStarting(startYear: number): string {
  return `${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`;
}

// For a calendar date `YYYY-MM-DD`.
export function financialYearOf(isoDate: string): string {
  const year = Number(isoDate.slice(0, 4));
  const month = Number(isoDate.slice(5, 7));
  return financialYearStarting(month >= 4 ? year : year - 1);
}

// Every financial year that a period from `startsOn` to `endsOn` (inclusive dates) touches.
export function financialYearsBetween(startsOn: string, endsOn: string): string[] {
  const first = Number(financialYearOf(startsOn).slice(0, 4));
  const last = Number(financialYearOf(endsOn).slice(0, 4));
  const years: string[] = [];
  for (let year = first; year <= last; year++) {
    years.push(financialYearStarting(year));
  }
  return years;
}
