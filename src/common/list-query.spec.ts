import { containsPattern, sortValues } from './list-query';

describe('list queries', () => {
  it('finds text anywhere, its own LIKE wildcards and escape taken literally', () => {
    expect(containsPattern('SSF5-0042')).toBe('%SSF5-0042%');
    expect(containsPattern('100%')).toBe('%100\\%%');
    expect(containsPattern('a_b')).toBe('%a\\_b%');
    expect(containsPattern('C:\\x')).toBe('%C:\\\\x%');
  });

  it('offers each sort key ascending and, with a leading minus, descending', () => {
    expect(sortValues({ reference: 'b.reference', submittedAt: 'b.submitted_at' })).toEqual([
      'reference',
      '-reference',
      'submittedAt',
      '-submittedAt',
    ]);
  });
});
