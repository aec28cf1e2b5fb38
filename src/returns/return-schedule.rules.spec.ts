import { returnSchedule } from './return-schedule.rules';

const brief = (dueDays: number, startsOn: string, endsOn: string) =>
  returnSchedule(startsOn, endsOn, dueDays).map(
    (item) =>
      `${item.financialYear} Q${item.quarter} ${item.periodStartsOn}..${item.periodEndsOn} due ${item.dueOn}`,
  );

describe('returnSchedule', () => {
  it('gives round 4 (delivery to 30 September 2023) a return for each quarter it touches', () => {
    expect(brief(30, '2022-07-01', '2023-09-30')).toEqual([
      '2022/23 Q2 2022-07-01..2022-09-30 due 2022-10-30',
      '2022/23 Q3 2022-10-01..2022-12-31 due 2023-01-30',
      '2022/23 Q4 2023-01-01..2023-03-31 due 2023-04-30',
      '2023/24 Q1 2023-04-01..2023-06-30 due 2023-07-30',
      '2023/24 Q2 2023-07-01..2023-09-30 due 2023-10-30',
    ]);
  });

  it('counts a quarter the delivery period only starts or ends in', () => {
    // Round 3: delivery August 2021 to March 2022.
    expect(brief(14, '2021-08-16', '2022-03-31')).toEqual([
      '2021/22 Q2 2021-07-01..2021-09-30 due 2021-10-14',
      '2021/22 Q3 2021-10-01..2021-12-31 due 2022-01-14',
      '2021/22 Q4 2022-01-01..2022-03-31 due 2022-04-14',
    ]);
    expect(brief(30, '2024-01-01', '2024-04-01')).toEqual([
      '2023/24 Q4 2024-01-01..2024-03-31 due 2024-04-30',
      '2024/25 Q1 2024-04-01..2024-06-30 due 2024-07-30',
    ]);
  });

  it('gives a delivery period inside one quarter one return', () => {
    expect(brief(1, '2026-05-10', '2026-05-20')).toEqual([
      '2026/27 Q1 2026-04-01..2026-06-30 due 2026-07-01',
    ]);
  });

  it('ends February correctly in a leap year and counts due days across the year end', () => {
    const [q4] = returnSchedule('2028-02-01', '2028-02-29', 90);
    expect(q4).toEqual({
      financialYear: '2027/28',
      quarter: 4,
      periodStartsOn: '2028-01-01',
      periodEndsOn: '2028-03-31',
      dueOn: '2028-06-29',
    });
    expect(returnSchedule('2026-12-01', '2026-12-31', 30)[0].dueOn).toBe('2027-01-30');
  });
});
