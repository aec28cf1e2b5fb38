import { countsOf } from './job-runner';

describe('countsOf (what of a job result reaches its log line)', () => {
  it('keeps a few whole counts by name, as a reminder scan returns', () => {
    expect(countsOf({ 'return-due': 3, assessment_due: 0 })).toEqual({
      'return-due': 3,
      assessment_due: 0,
    });
  });

  it.each([
    ['text', 'done'],
    ['null', null],
    ['a list', [1, 2]],
    ['no counts', {}],
    ['a string value', { email: 'someone@example.org' }],
    ['a fraction', { share: 0.5 }],
    ['a negative number', { due: -1 }],
    ['a key that is not a name', { 'someone@example.org': 1 }],
    ['too many counts', Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]))],
  ])('leaves out %s', (_what, result) => {
    expect(countsOf(result)).toBeUndefined();
  });
});
