import { fieldsOf, Lazy, mutatedBody, RAW_BODIES, sampleOf, WHOLE_BODIES } from './fuzz-bodies';
import { allowed, Operation, Principal, PRINCIPALS, Schema } from './fuzz-openapi';
import type { Random } from './fuzz-random';
import { BAD_DATES, badIds, ODD_STRINGS, toJson } from './fuzz-values';

// Bad requests made from the API's operations: for each, as every role and with no token, one
// thing sent wrong (a path id, a query parameter or the query's shape, the body, a header, the
// token), and a method each path does not have.

export interface FuzzCase {
  label: string;
  kind: string;
  method: string;
  url: string;
  principal: Principal;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

// Ids of real records by the path segment that names them (`rounds`, `bids`, ...): read routes
// are also asked about records that exist, so bad query values reach the queries behind them.
export type RealIds = Record<string, string[]>;

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface Budget {
  // Requests for the roles an operation lets in (shared between them), per operation.
  allowed: number;
  // Extra requests per body field or query parameter, for operations with much to get wrong.
  perField: number;
  // Requests for each role it refuses, and with no token.
  refused: number;
}

export function generateCases(
  operations: Operation[],
  random: Random,
  realIds: RealIds,
  budget: Budget,
): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const paths = new Set(operations.map((op) => op.path));
  for (const op of operations) {
    const fields = op.body ? fieldsOf(op.body).length : 0;
    const letIn = PRINCIPALS.filter((p) => allowed(op, p));
    const refused = PRINCIPALS.filter((p) => !allowed(op, p));
    const total = budget.allowed + budget.perField * (fields + op.queryParams.length);
    for (let i = 0; i < total; i++) {
      cases.push(caseFor(op, letIn[i % letIn.length], random, realIds));
    }
    for (const principal of refused) {
      for (let i = 0; i < budget.refused; i++) {
        cases.push(caseFor(op, principal, random, realIds));
      }
    }
  }
  // A method a path does not have, on every path.
  for (const path of [...paths].sort()) {
    const taken = new Set(operations.filter((o) => o.path === path).map((o) => o.method));
    const method = ['DELETE', 'PUT', 'PATCH', 'POST'].find((m) => !taken.has(m));
    if (method) {
      const url = fillPath(path, () => random.uuid());
      cases.push({
        label: `${method} ${path}`,
        kind: 'method-not-allowed',
        method,
        url,
        principal: 'admin',
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
    }
  }
  return cases;
}

// encodeURIComponent, except that a lone surrogate (which it refuses) goes as the bytes a
// careless client would send for it: %ED%A0%80 and the like, which are not UTF-8.
export function encodeLoosely(value: string): string {
  return value
    .split(/([\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/)
    .map((part) => {
      if (part.length === 1 && /[\ud800-\udfff]/.test(part)) {
        const c = part.charCodeAt(0);
        return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      }
      return encodeURIComponent(part);
    })
    .join('');
}

function fillPath(path: string, value: (name: string) => string): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => value(name));
}

function caseFor(op: Operation, principal: Principal, random: Random, realIds: RealIds): FuzzCase {
  const mutating = MUTATING.has(op.method);
  const kinds: string[] = [];
  if (op.pathParams.length > 0) {
    kinds.push('path-id', 'path-id');
  }
  if (op.queryParams.length > 0) {
    kinds.push('query', 'query', 'query', 'query');
  }
  kinds.push('query-shape');
  if (op.body) {
    kinds.push('body', 'body', 'body', 'body', 'body', 'body', 'body-whole', 'raw-body');
  } else if (mutating) {
    kinds.push('body-whole', 'raw-body');
  }
  if (op.headerParams.length > 0) {
    kinds.push('header', 'header');
  }
  if (principal === 'none') {
    kinds.push('bad-token');
  }
  const kind = random.pick(kinds);

  // Path ids: changes are only ever sent to ids of nothing (or not ids at all), so no request
  // can change a real record; reads also get real ids, so their queries run against data.
  const idFor = (name: string): string => {
    const resource = resourceOf(op.path, name);
    const real = realIds[resource] ?? [];
    if (kind === 'path-id') {
      const bad = random.pick(badIds(random));
      return bad.raw ? bad.value : encodeLoosely(bad.value);
    }
    if (!mutating && real.length > 0 && random.chance(0.6)) {
      return random.pick(real);
    }
    return random.uuid();
  };
  let url = fillPath(op.path, idFor);
  const headers: Record<string, string> = {};
  let payload: string | Buffer | undefined;
  let detail = kind;

  const query: string[] = [];
  if (kind === 'query') {
    const param = random.pick(op.queryParams);
    const [value, what] = badQueryValue(param.schema, random);
    query.push(`${encodeURIComponent(param.name)}=${value}`);
    detail = `query ${param.name} ${what}`;
    // Sometimes the other parameters too, each bad.
    if (random.chance(0.3)) {
      for (const other of op.queryParams) {
        if (other !== param) {
          query.push(`${encodeURIComponent(other.name)}=${badQueryValue(other.schema, random)[0]}`);
        }
      }
    }
  } else if (kind === 'query-shape') {
    const names = op.queryParams.map((p) => p.name);
    const name = names.length > 0 ? random.pick(names) : 'limit';
    const shape = random.pick([
      `fuzz=1`,
      `${name}=1&${name}=2`,
      `${name}[]=1`,
      `${name}[$gt]=1`,
      `__proto__[admin]=true`,
      `constructor[prototype][admin]=true`,
      `=1`,
      `&&&`,
      `${name}`,
      `${name}=%ZZ`,
      `%ZZ=1`,
      `${name}=%00`,
      `${name}=%ED%A0%80`,
      `limit=101`,
      `limit=1000000`,
      `offset=1000000001`,
      `offset=9007199254740993`,
      `limit=0&offset=-1`,
      `${name}=${'a'.repeat(10_000)}`,
    ]);
    query.push(shape);
    detail = `query-shape ${shape.slice(0, 40)}`;
  }
  if (query.length > 0) {
    url += `?${query.join('&')}`;
  }

  if (kind === 'body' && op.body) {
    const [body, what] = mutatedBody(op.body, random);
    payload = toJson(body);
    headers['content-type'] = 'application/json';
    detail = `body ${what}`;
  } else if (kind === 'body-whole') {
    const body = random.pick(WHOLE_BODIES);
    const text = body instanceof Lazy ? body.make() : toJson(body);
    payload = text;
    headers['content-type'] = 'application/json';
    detail = `body-whole ${text.slice(0, 30)}`;
  } else if (kind === 'raw-body') {
    const sample = op.body ? toJson(sampleOf(op.body, random)) : '{}';
    const raw = random.pick(RAW_BODIES)(sample);
    payload = raw.payload;
    if (raw.contentType !== undefined) {
      headers['content-type'] = raw.contentType;
    }
    detail = `raw-body ${raw.what}`;
  } else if (mutating && op.body) {
    // Otherwise a plausible body where the path's id is of nothing (so the bad part is the path,
    // query or header), and an empty one where there is no id to stop a create or a sign-in.
    payload = op.pathParams.length > 0 ? toJson(sampleOf(op.body, random)) : '{}';
    headers['content-type'] = 'application/json';
  }

  if (kind === 'header') {
    const param = random.pick(op.headerParams);
    const value = random.pick(BAD_HEADER_VALUES);
    headers[param.name.toLowerCase()] = value;
    detail = `header ${param.name} ${JSON.stringify(value.slice(0, 30))}`;
  } else {
    for (const param of op.headerParams.filter((p) => p.required)) {
      headers[param.name.toLowerCase()] = '"1"';
    }
  }

  if (kind === 'bad-token') {
    const token = random.pick(BAD_AUTHORIZATION);
    headers.authorization = token;
    detail = `bad-token ${token.slice(0, 30)}`;
  }

  return {
    label: op.label,
    kind: detail,
    method: op.method,
    url,
    principal,
    headers,
    payload,
  };
}

// `rounds` for /api/v1/rounds/{id}/..., `rounds` for {roundId}.
function resourceOf(path: string, param: string): string {
  if (param !== 'id') {
    return `${param.replace(/Id$/, '')}s`;
  }
  const segments = path.split('/');
  const at = segments.indexOf(`{${param}}`);
  return segments[at - 1] ?? '';
}

const BAD_HEADER_VALUES: readonly string[] = [
  '',
  ' ',
  'abc',
  '"',
  'W/',
  '"-1"',
  '-1',
  '0',
  '"0"',
  '99999999999999999999',
  '"2147483648"',
  '9007199254740993',
  '1e3',
  '*',
  '"1", "2"',
  'W/"1"',
  'x'.repeat(201),
  'x'.repeat(8_000),
  'é',
  '\t"1"\t',
];

const BAD_AUTHORIZATION: readonly string[] = [
  'Bearer',
  'Bearer ',
  'Bearer garbage',
  'Bearer a.b.c',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  `Bearer ${'a'.repeat(8_000)}`,
  'Basic YWRtaW5AZGVtby50ZXN0OnBhc3N3b3Jk',
  'bearer',
  'Token abc',
  ' ',
];

// A query value (already percent-encoded) wrong for the parameter's schema.
function badQueryValue(schema: Schema, random: Random): [string, string] {
  const enc = (v: string): [string, string] => [encodeLoosely(v), JSON.stringify(v.slice(0, 30))];
  if (random.chance(0.08)) {
    return [random.pick(['%ZZ', '%00', '%ED%A0%80', '%C0%AF', '']), 'broken-encoding'];
  }
  if (schema.type === 'number' || schema.type === 'integer') {
    const bounds = [schema.minimum, schema.maximum]
      .filter((b): b is number => b !== undefined)
      .flatMap((b) => [String(b - 1), String(b + 1), String(b + 0.5)]);
    return enc(
      random.pick([
        ...bounds,
        '-1',
        '0',
        '1.5',
        '101',
        '1000',
        '2147483648',
        '1000000001',
        '9007199254740993',
        '1e308',
        '1e400',
        '-1e308',
        'NaN',
        'Infinity',
        '-0',
        '0x10',
        ' 5',
        '1e2',
        'abc',
        '',
        '１２',
        '5\u0000',
      ]),
    );
  }
  if (schema.type === 'boolean') {
    return enc(random.pick(['yes', 'no', '2', 'TRUE', 'False', '', 'null', '1.0', 'truee']));
  }
  if (schema.enum) {
    const first = String(schema.enum[0]);
    return enc(
      random.pick([
        first.toUpperCase(),
        ` ${first}`,
        `${first}\u0000`,
        'unknown',
        '',
        '*',
        "' OR 1=1",
      ]),
    );
  }
  if (schema.format === 'uuid') {
    const bad = random.pick(badIds(random));
    return bad.raw ? [bad.value, `id ${bad.value}`] : enc(bad.value);
  }
  if (schema.format === 'date-time' || schema.format === 'date') {
    return enc(random.pick(BAD_DATES));
  }
  if (schema.maxLength !== undefined && random.chance(0.3)) {
    return enc('x'.repeat(schema.maxLength + 1));
  }
  const value = random.pick([...ODD_STRINGS, 'x'.repeat(5_000)]);
  return enc(value);
}
