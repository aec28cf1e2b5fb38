import { type MarkingCriterion, marksAfter } from './assignment-store';

// The round's criteria as saving marks reads them, listed out of their positions' order.
const CRITERIA: MarkingCriterion[] = [
  { id: 'c-value', title: 'Value for money', weight: 40, maxMark: 5, position: 2 },
  { id: 'c-strategic', title: 'Strategic case', weight: 60, maxMark: 10, position: 1 },
];

describe('marksAfter', () => {
  it('adds a new mark with its criterion, in the criteria’s order whatever the order sent', () => {
    const before = [
      {
        criterionId: 'c-value',
        criterionTitle: 'Value for money',
        maxMark: 5,
        weight: 40,
        mark: 2,
        justification: 'Costs not benchmarked.',
      },
    ];
    expect(
      marksAfter(
        before,
        [{ criterionId: 'c-strategic', mark: 7, justification: 'Hot spots mapped.' }],
        CRITERIA,
      ),
    ).toEqual([
      {
        criterionId: 'c-strategic',
        criterionTitle: 'Strategic case',
        maxMark: 10,
        weight: 60,
        mark: 7,
        justification: 'Hot spots mapped.',
      },
      before[0],
    ]);
  });

  it('replaces a criterion’s mark and keeps the marks not sent', () => {
    const strategic = {
      criterionId: 'c-strategic',
      criterionTitle: 'Strategic case',
      maxMark: 10,
      weight: 60,
      mark: 7,
      justification: 'Hot spots mapped.',
    };
    const after = marksAfter(
      [strategic],
      [{ criterionId: 'c-strategic', mark: 9, justification: 'Hot spots mapped well.' }],
      CRITERIA,
    );
    expect(after).toEqual([{ ...strategic, mark: 9, justification: 'Hot spots mapped well.' }]);
    expect(marksAfter(after, [], CRITERIA)).toEqual(after);
  });

  it('orders criteria at one position by id, as the database does', () => {
    const tied = CRITERIA.map((criterion) => ({ ...criterion, position: 1 }));
    const after = marksAfter(
      [],
      [
        { criterionId: 'c-value', mark: 1, justification: 'Thin.' },
        { criterionId: 'c-strategic', mark: 1, justification: 'Thin.' },
      ],
      tied,
    );
    expect(after.map((mark) => mark.criterionId)).toEqual(['c-strategic', 'c-value']);
  });
});
