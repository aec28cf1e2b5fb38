import { HOLDS_FROM_SQL } from './spend-cache.sql';
import { spendFacts } from './spend-facts.sql';

// What is kept of an award holds only from the latest moment anything it is worked out from is
// dated (HOLDS_FROM_SQL). Every date the spend facts compare with the moment must be among them,
// or a summary as at a moment before that date would read the kept facts that count it.
describe('the kept spend facts', () => {
  // Compared with the moment but not worked into what is kept: organisation names (read as at the
  // moment itself) and the kept facts' own start.
  const NOT_KEPT = ['valid_from', 'holds_from'];

  it('hold from the latest of every date the facts compare with the moment', () => {
    const facts = spendFacts('read');
    const compared = [...facts.matchAll(/\b\w+\.(\w+)\s*<=\s*\$2::timestamptz/g)].map(
      ([, column]) => column,
    );
    const dates = [...new Set(compared)].filter((column) => !NOT_KEPT.includes(column));
    expect(dates.sort()).toEqual([
      'accepted_at',
      'approved_at',
      'closed_at',
      'occurred_at',
      'recorded_at',
      'released_at',
      'reviewed_at',
      'submitted_at',
    ]);
    for (const column of dates) {
      expect({ column, kept: HOLDS_FROM_SQL.includes(`.${column}`) }).toEqual({
        column,
        kept: true,
      });
    }
  });
});
