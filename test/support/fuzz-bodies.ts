import { manyKeys } from '../../bench/hostile-bodies';
import type { Schema } from './fuzz-openapi';
import type { Random } from './fuzz-random';
import {
  BAD_DATES,
  BAD_NUMBERS,
  badIds,
  badString,
  LONG_TEXT,
  ODD_STRINGS,
  RawJson,
  WRONG_TYPES,
} from './fuzz-values';

// Bad request bodies made from an operation's body schema: plausible samples with one thing
// wrong, whole bodies that are not the object it takes, and bodies that are not (said to be) JSON.

// Whole bodies that are not the object the operation takes.
// Text made only when picked (the big ones).
export class Lazy {
  constructor(readonly make: () => string) {}
}

export const WHOLE_BODIES: readonly unknown[] = [
  null,
  [],
  [{}],
  'a string',
  123,
  true,
  {},
  new RawJson('{"__proto__":{"admin":true}}'),
  new RawJson('{"constructor":{"prototype":{"admin":true}}}'),
  new Lazy(() => `${'['.repeat(5_000)}${']'.repeat(5_000)}`),
  new Lazy(() => `${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}`),
  new Lazy(() => `{${Array.from({ length: 2_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`),
  new Lazy(() => JSON.stringify({ text: LONG_TEXT })),
  new Lazy(() => JSON.stringify(Array.from({ length: 50_000 }, () => 1))),
  new Lazy(() => manyKeys(128_000)),
  new Lazy(() => JSON.stringify({ a: Array.from({ length: 60_000 }, () => [0, 0]) })),
  new Lazy(() => manyKeys(100)),
];

// A plausible body made to produce as many field errors as it can within the shape limits:
// every object in it gets unknown fields up to `width` keys, and every list of objects is filled
// to `length` copies of its first item.
export function crowdedBody(sample: unknown, width = 100, length = 40): unknown {
  if (Array.isArray(sample)) {
    const first: unknown = sample[0];
    return first !== null && typeof first === 'object'
      ? Array.from({ length }, () => crowdedBody(first, width, length))
      : sample;
  }
  if (sample === null || typeof sample !== 'object') {
    return sample;
  }
  const crowded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(sample)) {
    crowded[key] = crowdedBody(value, width, length);
  }
  for (let i = 0; Object.keys(crowded).length < width; i++) {
    crowded[`unknown${i}`] = i;
  }
  return crowded;
}

// Bodies of hostile shape every route with a body must answer quickly with a short 4xx problem:
// 1 MiB of unknown keys, an object one key too wide, more values than a body may hold, and
// plausible bodies crowded with unknown fields (long error lists).
export const HEAVY_BODIES: readonly { what: string; make: (sample: unknown) => string }[] = [
  { what: '128,000 keys in 1 MiB', make: () => manyKeys(128_000) },
  { what: '101 keys', make: () => manyKeys(101) },
  {
    what: '60,000 small lists',
    make: () => JSON.stringify({ a: Array.from({ length: 60_000 }, () => [0, 0]) }),
  },
  { what: '100 unknown keys', make: () => manyKeys(100, '"x"') },
  { what: 'crowded sample', make: (sample) => JSON.stringify(crowdedBody(sample)) },
];

// Bodies that are not JSON, or not said to be JSON, or both.
export const RAW_BODIES: readonly ((sample: string) => {
  payload: string | Buffer;
  contentType?: string;
  what: string;
})[] = [
  () => ({ payload: '{', contentType: 'application/json', what: 'truncated {' }),
  (s) => ({
    payload: s.slice(0, Math.max(1, s.length >> 1)),
    contentType: 'application/json',
    what: 'half',
  }),
  () => ({ payload: '{"a":}', contentType: 'application/json', what: 'no value' }),
  () => ({ payload: "{'a':1}", contentType: 'application/json', what: 'single quotes' }),
  () => ({ payload: '{"a":1,}', contentType: 'application/json', what: 'trailing comma' }),
  () => ({ payload: 'NaN', contentType: 'application/json', what: 'NaN' }),
  () => ({ payload: 'undefined', contentType: 'application/json', what: 'undefined' }),
  () => ({ payload: '{"a":"\\x"}', contentType: 'application/json', what: 'bad escape' }),
  () => ({
    payload: '{"a":"\\ud800"}',
    contentType: 'application/json',
    what: 'lone surrogate escape',
  }),
  () => ({ payload: '\u0000', contentType: 'application/json', what: 'NUL' }),
  () => ({ payload: '', contentType: 'application/json', what: 'empty json' }),
  () => ({ payload: '   ', contentType: 'application/json', what: 'blank json' }),
  (s) => ({ payload: `\ufeff${s}`, contentType: 'application/json', what: 'BOM' }),
  (s) => ({ payload: `${s}${s}`, contentType: 'application/json', what: 'two documents' }),
  () => ({
    payload: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0x22, 0x7d]),
    contentType: 'application/json',
    what: 'invalid UTF-8',
  }),
  (s) => ({ payload: s, contentType: 'text/plain', what: 'text/plain' }),
  () => ({ payload: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded', what: 'form' }),
  () => ({
    payload: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
    contentType: 'multipart/form-data; boundary=x',
    what: 'multipart',
  }),
  () => ({ payload: '<a>1</a>', contentType: 'application/xml', what: 'xml' }),
  (s) => ({ payload: s, contentType: 'application/json; charset=utf-16', what: 'utf-16 charset' }),
  (s) => ({ payload: s, contentType: 'application/json; charset=latin1', what: 'latin1 charset' }),
  (s) => ({ payload: s, contentType: 'application/problem+json', what: 'problem+json' }),
  (s) => ({ payload: s, contentType: 'APPLICATION/JSON', what: 'upper-case type' }),
  (s) => ({ payload: s, contentType: 'application/jsonx', what: 'jsonx' }),
  (s) => ({ payload: s, contentType: '*/*', what: '*/*' }),
  (s) => ({ payload: s, contentType: '', what: 'empty content-type' }),
  (s) => ({ payload: s, contentType: ';;;', what: 'broken content-type' }),
  () => ({
    payload: Buffer.from([0, 1, 2, 3, 255, 254]),
    contentType: 'application/octet-stream',
    what: 'octet-stream',
  }),
  (s) => ({ payload: s, what: 'no content-type' }),
  () => ({ payload: 'a=1', what: 'no content-type, not JSON' }),
];

interface Field {
  path: (string | number)[];
  schema: Schema;
  required: boolean;
}

// Every field a body may have, nested objects and the first item of lists included.
export function fieldsOf(schema: Schema, path: (string | number)[] = [], depth = 0): Field[] {
  if (depth > 4 || !schema.properties) {
    return [];
  }
  return Object.entries(schema.properties).flatMap(([name, child]) => {
    const here: Field = {
      path: [...path, name],
      schema: child,
      required: schema.required?.includes(name) ?? false,
    };
    const nested =
      child.type === 'array' && child.items?.properties
        ? fieldsOf(child.items, [...path, name, 0], depth + 1)
        : fieldsOf(child, [...path, name], depth + 1);
    return [here, ...nested];
  });
}

// A plausible value for a schema: its example, first enum value or a value of its type.
export function sampleOf(schema: Schema, random: Random, depth = 0): unknown {
  if (schema.example !== undefined) {
    return schema.example;
  }
  if (schema.enum) {
    return schema.enum[0];
  }
  if (schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(schema.properties)) {
      if (schema.required?.includes(name) || (depth < 3 && random.chance(0.4))) {
        out[name] = sampleOf(child, random, depth + 1);
      }
    }
    return out;
  }
  if (schema.type === 'string') {
    const byFormat: Record<string, () => string> = {
      date: () => '2026-04-01',
      'date-time': () => '2026-04-01T09:30:00Z',
      uuid: () => random.uuid(),
    };
    const make = schema.format ? byFormat[schema.format] : undefined;
    return make ? make() : 'x'.repeat(Math.max(schema.minLength ?? 0, 5));
  }
  if (schema.type === 'number' || schema.type === 'integer') {
    return schema.minimum ?? 1;
  }
  if (schema.type === 'boolean') {
    return true;
  }
  if (schema.type === 'array') {
    return schema.items && depth < 3 ? [sampleOf(schema.items, random, depth + 1)] : [];
  }
  return {};
}

// A plausible body with one thing wrong: a field of the wrong type or out of range, a required
// field left out, a field the operation does not take, a list too long or of the wrong things.
export function mutatedBody(schema: Schema, random: Random): [unknown, string] {
  const body = sampleOf(schema, random) as Record<string, unknown>;
  const fields = fieldsOf(schema);
  const strategy = random.pick([
    'value',
    'value',
    'value',
    'value',
    'wrong-type',
    'missing',
    'unknown',
    'list',
  ]);
  if (fields.length === 0 || strategy === 'unknown') {
    const key = random.pick([
      'fuzz',
      'id',
      'version',
      'status',
      'createdAt',
      'isAdmin',
      'role',
      '',
    ]);
    const target =
      random.chance(0.7) || fields.length === 0 ? body : parentOf(body, random.pick(fields).path);
    if (target && typeof target === 'object' && !Array.isArray(target) && !(key in target)) {
      (target as Record<string, unknown>)[key] = random.pick(WRONG_TYPES);
    } else {
      body.fuzzUnknown = 1;
    }
    return [body, `unknown field ${key}`];
  }
  const field = random.pick(fields);
  const name = field.path.join('.');
  if (strategy === 'missing') {
    const required = fields.filter((f) => f.required);
    const gone = required.length > 0 ? random.pick(required) : field;
    ensurePath(body, gone.path, random, schema);
    removeAt(body, gone.path);
    return [body, `missing ${gone.path.join('.')}`];
  }
  ensurePath(body, field.path, random, schema);
  if (strategy === 'wrong-type') {
    const value = random.pick(WRONG_TYPES);
    setAt(body, field.path, value);
    return [body, `${name} wrong type`];
  }
  if (strategy === 'list' && field.schema.type === 'array') {
    const item = field.schema.items ? sampleOf(field.schema.items, random) : 1;
    const value = random.pick([
      Array.from({ length: 1_000 }, () => item),
      [null],
      [item, null, 'x', 1, []],
      Array.from({ length: 200 }, () => random.pick(ODD_STRINGS)),
    ]);
    setAt(body, field.path, value);
    return [body, `${name} bad list`];
  }
  const value = badValue(field.schema, random);
  setAt(body, field.path, value);
  return [body, `${name} bad value`];
}

function badValue(schema: Schema, random: Random): unknown {
  if (schema.type === 'number' || schema.type === 'integer') {
    const bounds = [schema.minimum, schema.maximum]
      .filter((b): b is number => b !== undefined)
      .flatMap((b) => [b - 1, b + 1, b + 0.5, b]);
    return random.pick([...bounds, ...BAD_NUMBERS]);
  }
  if (schema.enum) {
    const first = String(schema.enum[0]);
    return random.pick([
      first.toUpperCase(),
      ` ${first}`,
      `${first}\u0000`,
      'unknown',
      '',
      0,
      null,
    ]);
  }
  if (schema.format === 'date' || schema.format === 'date-time') {
    return random.pick([...BAD_DATES, ...WRONG_TYPES]);
  }
  if (schema.format === 'uuid') {
    return random.pick(badIds(random)).value;
  }
  if (schema.type === 'boolean') {
    return random.pick(['true', 1, 0, 'yes', null, []]);
  }
  if (schema.type === 'array') {
    return random.pick([...WRONG_TYPES, [LONG_TEXT], ['\u0000']]);
  }
  if (schema.type === 'object' || schema.properties) {
    return random.pick([...WRONG_TYPES, { fuzz: 1 }]);
  }
  return badString(random, schema.maxLength, schema.minLength);
}

// Makes sure the objects and lists on the way to a field exist in the sample.
function ensurePath(
  body: Record<string, unknown>,
  path: (string | number)[],
  random: Random,
  schema: Schema,
): void {
  let node: unknown = body;
  let nodeSchema: Schema | undefined = schema;
  for (const key of path.slice(0, -1)) {
    const container = node as Record<string | number, unknown>;
    const childSchema: Schema | undefined =
      typeof key === 'number' ? nodeSchema?.items : nodeSchema?.properties?.[key];
    if (
      container[key] === undefined ||
      container[key] === null ||
      typeof container[key] !== 'object'
    ) {
      container[key] = childSchema ? sampleOf(childSchema, random, 3) : {};
      if (
        typeof key !== 'number' &&
        childSchema?.type === 'array' &&
        !Array.isArray(container[key])
      ) {
        container[key] = [];
      }
    }
    if (Array.isArray(container[key]) && (container[key] as unknown[]).length === 0) {
      (container[key] as unknown[]).push(
        childSchema?.items ? sampleOf(childSchema.items, random, 3) : {},
      );
    }
    node = container[key];
    nodeSchema = childSchema;
  }
}

function parentOf(body: unknown, path: (string | number)[]): unknown {
  let node = body;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') {
      return undefined;
    }
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function setAt(body: unknown, path: (string | number)[], value: unknown): void {
  const parent = parentOf(body, path);
  if (parent !== null && typeof parent === 'object') {
    (parent as Record<string | number, unknown>)[path[path.length - 1]] = value;
  }
}

function removeAt(body: unknown, path: (string | number)[]): void {
  const parent = parentOf(body, path);
  if (parent !== null && typeof parent === 'object' && !Array.isArray(parent)) {
    delete (parent as Record<string, unknown>)[String(path[path.length - 1])];
  }
}
