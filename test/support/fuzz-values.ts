import type { Random } from './fuzz-random';

// The bad values the fuzz suite draws from. Each list is deliberately hostile: wrong types,
// boundaries, odd Unicode, injection-shaped text, ids of the wrong shape or of nothing.

// A JSON literal written as is (so `9007199254740993`, `1e400` and `-0` reach the parser as sent).
export class RawJson {
  constructor(readonly text: string) {}
}

// JSON text for a value that may hold RawJson parts.
export function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  return (text ?? 'null').replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]);
}

export const LONG_TEXT = 'x'.repeat(100_000);

export const ODD_STRINGS: readonly string[] = [
  '',
  ' ',
  '   \t\n  ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'lone \udfff surrogate',
  'x\ud83d',
  '\u202eevil RTL override\u202c',
  'مرحبا بالعالم',
  'שלום',
  '👩‍👩‍👧‍👦🔥💷',
  'e\u0301\u0301\u0301\u0301\u0301',
  'Z\u0351\u0361\u0334\u0358\u0330\u0331a\u035c\u0360l\u0353g\u0336o',
  '\ufeffBOM first',
  'zero\u200bwidth\u200d',
  'line\r\nbreak',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '1; SELECT pg_sleep(5)',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '%s%n%x%d',
  '${jndi:ldap://127.0.0.1/x}',
  '{{constructor.constructor("return process")()}}',
  '=HYPERLINK("http://127.0.0.1","x")',
  '\\',
  '"',
  'null',
  'undefined',
  'NaN',
  'true',
  '0',
  '-1',
  '1e308',
  '  padded  ',
  '\u00a0\u2003',
  '\uffff\ufffe',
  '𝕌𝕟𝕚𝕔𝕠𝕕𝕖',
];

export const BAD_NUMBERS: readonly unknown[] = [
  0,
  -1,
  1,
  0.5,
  1.005,
  0.1,
  -0.01,
  new RawJson('-0'),
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  new RawJson('9007199254740993'),
  -Number.MAX_SAFE_INTEGER - 2,
  2 ** 63,
  1e308,
  -1e308,
  new RawJson('1e400'),
  new RawJson('-1e400'),
  1e-7,
  new RawJson('123456789012345678901234567890'),
  'NaN',
  'Infinity',
  '-Infinity',
  '1',
  '1e3',
  '0x10',
  ' 5',
  '1,000',
  '£1.00',
  '',
];

export const WRONG_TYPES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  'text',
  '',
  [],
  [null],
  ['a', 1, null],
  {},
  { $gt: '' },
  new RawJson('{"__proto__":{"admin":true}}'),
  new RawJson('{"constructor":{"prototype":{"admin":true}}}'),
  [[[[[]]]]],
];

export const BAD_DATES: readonly string[] = [
  '2026-02-30',
  '2026-13-01',
  '0000-01-01',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '275760-09-13T00:00:00Z',
  '2026-04-01T25:61:61Z',
  '2026-04-01T09:30:00',
  '2026-04-01T09:30:00+99:99',
  '1969-12-31T23:59:59.9999999Z',
  'now',
  'yesterday',
  '01/04/2026',
  '2026-04-01 09:30',
  '-2026-04-01',
  '2026-04-01\u0000',
  '20260401',
];

// Path ids: not a UUID, a UUID of nothing, injection and traversal shapes, percent-encoding
// broken or doubled. `raw` ones go into the URL as written; the rest are percent-encoded.
export interface BadId {
  value: string;
  raw?: boolean;
}

export function badIds(random: Random): BadId[] {
  return [
    { value: random.uuid() },
    { value: random.uuid() },
    { value: random.uuid().toUpperCase() },
    { value: '00000000-0000-0000-0000-000000000000' },
    { value: 'ffffffff-ffff-ffff-ffff-ffffffffffff' },
    { value: random.uuid().replace(/-/g, '') },
    { value: `{${random.uuid()}}` },
    { value: `${random.uuid()}x` },
    { value: `${random.uuid()} ` },
    { value: `${random.uuid()}\u0000` },
    { value: '1' },
    { value: '0' },
    { value: '-1' },
    { value: '9007199254740993' },
    { value: 'abc' },
    { value: 'null' },
    { value: 'undefined' },
    { value: 'me' },
    { value: "' OR 1=1 --" },
    { value: "1'; DROP TABLE bids; --" },
    { value: '../../etc/passwd' },
    { value: '..%2f..%2fetc%2fpasswd', raw: true },
    { value: '%2e%2e', raw: true },
    { value: '..', raw: true },
    { value: '%00', raw: true },
    { value: '%ZZ', raw: true },
    { value: '%E0%A4%A', raw: true },
    { value: '%C0%AF', raw: true },
    { value: '\u0000' },
    { value: '\ud800' },
    { value: '👩‍👩‍👧‍👦' },
    { value: '\u202e' },
    { value: 'x'.repeat(99) },
    { value: 'x'.repeat(101) },
    { value: 'x'.repeat(5000) },
    { value: ' ' },
  ];
}

// Strings over, at and just beyond a length limit, and odd ones within it.
export function badString(random: Random, maxLength?: number, minLength?: number): unknown {
  const roll = random.next();
  if (maxLength !== undefined && roll < 0.12) {
    return random.pick(['x', 'é', '😀', ' ']).repeat(maxLength + 1);
  }
  if (maxLength !== undefined && roll < 0.18) {
    return 'é'.repeat(maxLength);
  }
  if (minLength !== undefined && roll < 0.22) {
    return 'x'.repeat(Math.max(0, minLength - 1));
  }
  if (roll < 0.3) {
    return LONG_TEXT;
  }
  if (roll < 0.85) {
    return random.pick(ODD_STRINGS);
  }
  return random.pick(WRONG_TYPES);
}
