import { MAX_BODY_DEPTH, MAX_BODY_NODES, MAX_OBJECT_KEYS } from './input-limits';
import { MAX_FIELD_ERRORS, RequestValidationError, unsafeInputErrors } from './validation';

const wide = (keys: number): Record<string, number> =>
  Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i]));

describe('unsafeInputErrors', () => {
  it('takes a body within every cap', () => {
    expect(unsafeInputErrors({ a: wide(MAX_OBJECT_KEYS), b: ['x', 'y'] }, 'body')).toEqual([]);
  });

  it('refuses an object with more keys than the cap, naming where it is', () => {
    expect(unsafeInputErrors(wide(128_000), 'body')).toEqual([
      {
        field: 'body',
        message: `body has more than ${MAX_OBJECT_KEYS} fields; an object may have at most ${MAX_OBJECT_KEYS}`,
      },
    ]);
    expect(unsafeInputErrors({ lines: [{}, wide(MAX_OBJECT_KEYS + 1)] }, 'body')).toEqual([
      expect.objectContaining({ field: 'lines.1' }),
    ]);
  });

  it('refuses more values than the cap however they are spread, and takes exactly the cap', () => {
    // The root counts as one value, each list one more plus its items.
    const lists = (n: number) => ({ a: Array.from({ length: n }, () => [0]) });
    const fits = (MAX_BODY_NODES - 2) / 2;
    expect(unsafeInputErrors(lists(fits), 'body')).toEqual([]);
    expect(unsafeInputErrors(lists(fits + 1), 'body')).toEqual([
      {
        field: expect.stringMatching(/^a\.\d+$/) as string,
        message: expect.stringContaining(
          `the request holds more than ${MAX_BODY_NODES.toLocaleString('en-GB')} values`,
        ) as string,
      },
    ]);
    expect(
      unsafeInputErrors(
        Array.from({ length: 200_000 }, () => 1),
        'body',
      ),
    ).toHaveLength(1);
  });

  it('refuses nesting deeper than the cap and still finds bad text', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_BODY_DEPTH + 1; i++) {
      deep = [deep];
    }
    expect(unsafeInputErrors(deep, 'body')[0].message).toMatch(`deeper than ${MAX_BODY_DEPTH}`);
    expect(unsafeInputErrors({ a: { b: 'x\u0000' } }, 'body')).toEqual([
      { field: 'a.b', message: 'a.b must not contain the NUL character' },
    ]);
  });

  it('refuses control characters but tabs and line breaks, naming the first', () => {
    for (const text of ['bell\u0007', '\u001b[31m', 'del\u007f', 'c1\u0085', 'vt\u000b']) {
      expect(unsafeInputErrors({ list: [text] }, 'body')).toHaveLength(1);
    }
    expect(unsafeInputErrors({ a: 'x\u0008\u0007' }, 'body')).toEqual([
      {
        field: 'a',
        message:
          'a must not contain control characters (it has U+0008); only tabs and line breaks may be in text',
      },
    ]);
    expect(unsafeInputErrors({ a: 'one\r\ntwo\n\tthree \u00a0 \u2028' }, 'body')).toEqual([]);
  });

  it('refuses characters that change the text’s direction, and keeps the marks of a script', () => {
    for (const text of ['a\u202eb', '\u202a', '\u2066x\u2069']) {
      expect(unsafeInputErrors({ a: text }, 'body')[0]?.message).toMatch(/direction/);
    }
    expect(unsafeInputErrors({ a: 'שלום \u200f(2026) \u200e' }, 'body')).toEqual([]);
  });
});

describe('RequestValidationError', () => {
  it('keeps the first errors up to the cap and counts the rest', () => {
    const errors = Array.from({ length: 130 }, (_, i) => ({ field: `f${i}`, message: 'bad' }));
    const error = new RequestValidationError(errors);
    expect(error.errors).toHaveLength(MAX_FIELD_ERRORS);
    expect(error.errors[0].field).toBe('f0');
    expect(error.omitted).toBe(130 - MAX_FIELD_ERRORS);
    expect(new RequestValidationError(errors.slice(0, 3)).omitted).toBe(0);
  });
});
