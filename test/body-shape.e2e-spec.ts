import { startApp, tokensByRole, expectProblem, DEMO_PASSWORD, type TestApp } from './support/app';
import { SMALL_BODY_LIMIT } from '../src/common/body-limit';
import { MAX_BODY_NODES, MAX_OBJECT_KEYS } from '../src/common/input-limits';
import { MAX_FIELD_ERRORS } from '../src/common/validation';
import { manyKeys } from '../bench/hostile-bodies';
import { validOrganisation } from './support/factories';

// Issue 19, item 1: a body's shape is refused before anything transforms it, in time linear in
// its size. 128,000 unknown keys in 1 MiB made class-transformer work for seconds (it
// de-duplicates keys quadratically) and listed every key as an error (a 10 MB answer), and any
// caller could send it to the login. Now: a small body limit on the login, a cap on the keys of
// one object and on the values of a body, and a cap on the errors one answer lists.
// A bad body's answer stays small whatever the body was.
const MAX_ANSWER_BYTES = 16_384;

interface Answer {
  status: number;
  type: string;
  bytes: number;
  body: Record<string, unknown>;
  cpuMs: number;
}

describe('body shapes refused before they are transformed', () => {
  let t: TestApp;
  let admin: string;
  const cpu: Record<string, number> = {};

  beforeAll(async () => {
    t = await startApp({ processRole: 'api' });
    admin = (await tokensByRole(t)).admin;
  });
  afterAll(async () => {
    // eslint-disable-next-line no-console
    console.log(`CPU per answer (ms, this process: client and server): ${JSON.stringify(cpu)}`);
    await t?.close();
  });

  const post = async (
    what: string,
    url: string,
    payload: string,
    token?: string,
  ): Promise<Answer> => {
    const started = process.cpuUsage();
    const response = await t.app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: 'POST',
        url,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        payload,
      });
    const used = process.cpuUsage(started);
    cpu[what] = Math.round((used.user + used.system) / 1000);
    return {
      status: response.statusCode,
      type: String(response.headers['content-type'] ?? ''),
      bytes: response.rawPayload.length,
      body: response.json<Record<string, unknown>>(),
      cpuMs: cpu[what],
    };
  };

  // A 4xx problem+json answer of bounded size listing at most MAX_FIELD_ERRORS errors.
  const expectSmallProblem = (answer: Answer, status: number, code: string): void => {
    expect([answer.status, answer.type]).toEqual([
      status,
      expect.stringMatching(/^application\/problem\+json/),
    ]);
    expectProblem(answer.body, status, code);
    expect(answer.bytes).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    expect(((answer.body.errors as unknown[] | undefined) ?? []).length).toBeLessThanOrEqual(
      MAX_FIELD_ERRORS,
    );
  };
  const messages = (answer: Answer): string =>
    ((answer.body.errors as { message: string }[] | undefined) ?? [])
      .map((e) => e.message)
      .join('\n');

  it('answers 128,000 unknown keys in 1 MiB to the login with a small 4xx problem', async () => {
    const body = manyKeys(128_000);
    expect(body.length).toBeLessThan(1_048_576);
    expect(body.length).toBeGreaterThan(1_000_000);
    const answer = await post('login 128k keys', '/api/v1/auth/login', body);
    // The login takes small bodies only: refused unread.
    expectSmallProblem(answer, 413, 'payload-too-large');
    // Its own limit, not the 1 MiB other routes read: a long password is refused there too.
    const long = JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(SMALL_BODY_LIMIT) });
    expectSmallProblem(
      await post('login long', '/api/v1/auth/login', long),
      413,
      'payload-too-large',
    );
    const name = JSON.stringify(validOrganisation({ name: 'x'.repeat(SMALL_BODY_LIMIT) }));
    const organisation = await post('long name', '/api/v1/organisations', name, admin);
    expectSmallProblem(organisation, 400, 'validation-failed');
  }, 120_000);

  it('answers 128,000 unknown keys in 1 MiB to a signed-in route with a small 400 naming the cap', async () => {
    const answer = await post(
      'organisations 128k keys',
      '/api/v1/organisations',
      manyKeys(128_000),
      admin,
    );
    expectSmallProblem(answer, 400, 'validation-failed');
    expect(messages(answer)).toMatch(`at most ${MAX_OBJECT_KEYS}`);
  }, 120_000);

  it('refuses an object wider than the cap, at the top or nested, with one error', async () => {
    const wide = await post('login 1,000 keys', '/api/v1/auth/login', manyKeys(1_000));
    expectSmallProblem(wide, 400, 'validation-failed');
    expect(wide.body.errors).toEqual([
      { field: 'body', message: expect.stringContaining(`at most ${MAX_OBJECT_KEYS}`) },
    ]);
    const nested = JSON.stringify({
      ...validOrganisation(),
      extra: { deeper: JSON.parse(manyKeys(MAX_OBJECT_KEYS + 1)) as unknown },
    });
    const answer = await post('nested wide', '/api/v1/organisations', nested, admin);
    expectSmallProblem(answer, 400, 'validation-failed');
    expect(answer.body.errors).toEqual([
      { field: 'extra.deeper', message: expect.stringContaining(`at most ${MAX_OBJECT_KEYS}`) },
    ]);
  });

  it('refuses a body of more values than the cap, however they are spread (many small lists)', async () => {
    const lists = Array.from({ length: 60_000 }, () => [0, 0]);
    const body = JSON.stringify({ ...validOrganisation(), lists });
    const answer = await post('60k small lists', '/api/v1/organisations', body, admin);
    expectSmallProblem(answer, 400, 'validation-failed');
    expect(messages(answer)).toMatch(`more than ${MAX_BODY_NODES.toLocaleString('en-GB')} values`);
    const flat = JSON.stringify(Array.from({ length: 200_000 }, () => 1));
    expectSmallProblem(
      await post('200k numbers', '/api/v1/organisations', flat, admin),
      400,
      'validation-failed',
    );
  });

  it('lists at most the capped number of errors and says how many it left out', async () => {
    const body = manyKeys(MAX_OBJECT_KEYS); // 100 unknown keys, no name, no type
    const answer = await post('100 unknown keys', '/api/v1/organisations', body, admin);
    expectSmallProblem(answer, 400, 'validation-failed');
    const listed = (answer.body.errors as unknown[]).length;
    const omitted = answer.body.omittedErrors as number;
    expect(listed).toBe(MAX_FIELD_ERRORS);
    // 100 unknown keys, and name and type missing.
    expect(listed + omitted).toBeGreaterThanOrEqual(MAX_OBJECT_KEYS + 2);
    expect(answer.body.detail).toMatch(
      `the first ${MAX_FIELD_ERRORS} of ${listed + omitted} are listed`,
    );
  });

  it('still reads shapes within the caps: nesting just under the depth limit, many fields', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 30; i++) {
      deep = { a: deep };
    }
    const nested = await post(
      'deep but allowed',
      '/api/v1/organisations',
      JSON.stringify({ ...validOrganisation(), deep }),
      admin,
    );
    expectSmallProblem(nested, 400, 'validation-failed');
    expect(nested.body.errors).toEqual([
      { field: 'deep', message: 'deep is not a field this request accepts; remove it' },
    ]);
    // A list of as many values as the cap allows, nested in lists of lists, reaches validation.
    // 1 + 50 + 50 × 98 × 2 = 9,851 values, within the cap.
    const values = Array.from({ length: 50 }, () => Array.from({ length: 98 }, () => [0]));
    const allowed = await post(
      'many values within the cap',
      '/api/v1/organisations',
      JSON.stringify({ ...validOrganisation(), values }),
      admin,
    );
    expectSmallProblem(allowed, 400, 'validation-failed');
    expect(allowed.body.errors).toEqual([
      { field: 'values', message: 'values is not a field this request accepts; remove it' },
    ]);
  });

  it('says which key a body may not use when it holds __proto__ or constructor.prototype', async () => {
    for (const [payload, key] of [
      ['{"__proto__":{"admin":true},"email":"a@b.c"}', '__proto__'],
      ['{"email":"a@b.c","nested":{"constructor":{"prototype":{"admin":true}}}}', 'constructor'],
    ]) {
      const answer = await post(`poisoned ${key}`, '/api/v1/auth/login', payload);
      expectSmallProblem(answer, 400, 'malformed-json');
      // The JSON is well formed: the answer names the key to remove, not a syntax error.
      expect(answer.body.detail).toContain(key);
      expect(answer.body.detail).not.toContain('not valid JSON');
    }
    // A body that is not JSON at all is still called so.
    const broken = await post('broken json', '/api/v1/auth/login', '{"email":');
    expectSmallProblem(broken, 400, 'malformed-json');
    expect(broken.body.detail).toContain('not valid JSON');
  });

  it('refuses keys named after Object.prototype members like any other unknown key', async () => {
    // Class validation cannot see them (the instance already "has" them), so they passed silently.
    const login = await post(
      'prototype-named keys',
      '/api/v1/auth/login',
      JSON.stringify({
        email: 'applicant@demo.test',
        password: DEMO_PASSWORD,
        toString: 1,
        nested: { hasOwnProperty: 1 },
      }),
    );
    expectSmallProblem(login, 400, 'validation-failed');
    expect(messages(login)).toContain('toString is not a field this request accepts; remove it');
    for (const key of ['constructor', 'hasOwnProperty', '__proto__', 'valueOf']) {
      const list = await t
        .http()
        .get(`/api/v1/organisations?${key}=1`)
        .set('authorization', `Bearer ${admin}`);
      expect([key, list.status]).toEqual([key, 400]);
      expect(list.body.errors).toEqual([
        { field: key, message: `${key} is not a field this request accepts; remove it` },
      ]);
    }
  });

  it('still answers a normal sign-in and a normal create', async () => {
    const signIn = await post(
      'normal login',
      '/api/v1/auth/login',
      JSON.stringify({ email: 'applicant@demo.test', password: DEMO_PASSWORD }),
    );
    expect(signIn.status).toBe(200);
    const created = await post(
      'normal create',
      '/api/v1/organisations',
      JSON.stringify(validOrganisation()),
      admin,
    );
    expect(created.status).toBe(201);
  });
});
