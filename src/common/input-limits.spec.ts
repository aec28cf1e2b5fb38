import {
  givenTwice,
  jsonShapeError,
  MAX_BODY_DEPTH,
  MAX_BODY_NODES,
  MAX_OBJECT_KEYS,
  tooDeep,
  tooMany,
  tooWide,
} from './input-limits';
import { unsafeInputErrors } from './validation';

const keys = (n: number, from = 0): string =>
  Array.from({ length: n }, (_, i) => `"k${i + from}":${i}`).join(',');

describe('jsonShapeError (the shape limits read from a body text before parsing)', () => {
  it('takes bodies within the limits, and text it cannot read (the parser refuses that)', () => {
    for (const text of [
      '{}',
      '[]',
      '"x"',
      '1',
      `{${keys(MAX_OBJECT_KEYS)}}`,
      '{"a":[1,2,{"b":"c,d}{]["}],"e\\"":"\\\\"}',
      '{"a":',
      '}}]]',
      '',
    ]) {
      expect(jsonShapeError(text)).toBeNull();
    }
  });

  it('refuses a key given twice in one object, however it is escaped, and takes it in two objects', () => {
    expect(jsonShapeError('{"a":1,"b":2,"a":3}')).toEqual(givenTwice('a'));
    expect(jsonShapeError('{"title":"x","\\u0074itle":"y"}')).toEqual(givenTwice('title'));
    expect(jsonShapeError('{"lines":[{"k":1},{"k":2,"k":3}]}')).toEqual(givenTwice('lines.1.k'));
    expect(jsonShapeError('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":"a"}')).toBeNull();
  });

  it('refuses an object one key too wide, naming it by its path', () => {
    expect(jsonShapeError(`{${keys(MAX_OBJECT_KEYS + 1)}}`)).toEqual(tooWide('body'));
    const nested = `{"lines":[{},{"name":"x","more":{${keys(MAX_OBJECT_KEYS + 1)}}}]}`;
    expect(jsonShapeError(nested)).toEqual(tooWide('lines.1.more'));
    // Commas and braces inside strings are text, not structure.
    const quoted = `{"a":"${',{'.repeat(500)}","b\\",":1}`;
    expect(jsonShapeError(quoted)).toBeNull();
  });

  it('refuses more values than the limit, and takes exactly the limit, as the walk counts them', () => {
    const lists = (n: number) => `{"a":[${Array.from({ length: n }, () => '[0]').join(',')}]}`;
    const fits = (MAX_BODY_NODES - 2) / 2;
    expect(jsonShapeError(lists(fits))).toBeNull();
    expect(unsafeInputErrors(JSON.parse(lists(fits)), 'body')).toEqual([]);
    expect(jsonShapeError(lists(fits + 1))).toEqual(tooMany('a'));
    expect(unsafeInputErrors(JSON.parse(lists(fits + 1)), 'body')).toHaveLength(1);
  });

  it('refuses nesting deeper than the limit, where the walk does', () => {
    const nest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(jsonShapeError(nest(MAX_BODY_DEPTH))).toBeNull();
    expect(unsafeInputErrors(JSON.parse(nest(MAX_BODY_DEPTH)), 'body')).toEqual([]);
    expect(jsonShapeError(nest(MAX_BODY_DEPTH + 1))).toEqual(
      tooDeep(Array.from({ length: MAX_BODY_DEPTH }, () => '0').join('.')),
    );
    expect(jsonShapeError(`{"a":{"b\\u0063":${nest(MAX_BODY_DEPTH)}}}`)).toEqual(
      tooDeep(['a', 'bc', ...Array.from({ length: MAX_BODY_DEPTH - 2 }, () => '0')].join('.')),
    );
  });
});
