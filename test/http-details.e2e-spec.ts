import { gunzipSync } from 'node:zlib';
import { COMPRESSIBLE_TYPE } from '../src/common/response-policy';
import {
  DEMO_PASSWORD,
  expectProblem,
  startApp,
  testConfig,
  TestApp,
  tokensByRole,
} from './support/app';
import { uniqueSuffix, validRound } from './support/factories';

const PORTAL = 'https://portal.example.gov.uk';

type OpenApiOperation = {
  operationId: string;
  responses: Record<string, { headers?: Record<string, unknown> }>;
};

// What a browser portal relies on besides the bodies: where a created thing is, strong ETags
// and conditional reads, no caching of personal answers, rate-limit headers it can read
// through CORS, and compressed answers.
describe('HTTP details for a browser client', () => {
  let t: TestApp;
  let admin: { authorization: string };

  beforeAll(async () => {
    t = await startApp({
      processRole: 'api',
      corsOrigins: [PORTAL],
      // Counters of its own, and few failures allowed per email and address.
      redisPrefix: `${testConfig().redisPrefix}:http-details-${uniqueSuffix()}`,
      login: { perEmailLimit: 2, perAddressLimit: 10_000, windowSeconds: 60, maxWaitSeconds: 900 },
    });
    admin = { authorization: `Bearer ${(await tokensByRole(t)).admin}` };
  });
  afterAll(() => t.close());

  const createRound = () =>
    t.http().post('/api/v1/rounds').set(admin).send(validRound()).expect(201);

  it('says where a created resource is (201) and where to follow accepted work (202)', async () => {
    const created = await createRound();
    expect(created.headers.location).toBe(`/api/v1/rounds/${created.body.id}`);
    const followed = await t.http().get(created.headers.location).set(admin).expect(200);
    expect(followed.body.id).toBe(created.body.id);

    // A staff sign-in is accepted pending its second factor, posted where Location says.
    const challenged = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'moderator@demo.test', password: DEMO_PASSWORD })
      .expect(202);
    expect(challenged.headers.location).toBe('/api/v1/auth/login/second-factor');
  });

  it('sends strong ETags, refuses a weak If-Match, and answers If-None-Match with 304', async () => {
    const { id } = (await createRound()).body;
    const path = `/api/v1/rounds/${id}`;
    const read = await t.http().get(path).set(admin).expect(200);
    expect(read.headers.etag).toBe(`"${read.body.version}"`);

    const edited = await t
      .http()
      .patch(path)
      .set(admin)
      .set('if-match', read.headers.etag)
      .send({ name: 'Renamed round' })
      .expect(200);
    expect(edited.headers.etag).toBe(`"${read.body.version + 1}"`);

    const weak = await t
      .http()
      .patch(path)
      .set(admin)
      .set('if-match', `W/${edited.headers.etag}`)
      .send({ name: 'Renamed again' })
      .expect(412);
    expect(weak.headers['content-type']).toContain('application/problem+json');
    expectProblem(weak.body, 412, 'if-match-weak');
    expect(weak.body.detail).toContain('strong');
    // Nothing was changed by the refused edit.
    expect((await t.http().get(path).set(admin).expect(200)).body.name).toBe('Renamed round');

    for (const tag of [
      edited.headers.etag,
      `W/${edited.headers.etag}`,
      '"999", ' + edited.headers.etag,
      '*',
    ]) {
      const unchanged = await t.http().get(path).set(admin).set('if-none-match', tag).expect(304);
      expect(unchanged.text ?? '').toBe('');
      expect(unchanged.headers.etag).toBe(edited.headers.etag);
      expect(unchanged.headers['cache-control']).toBe('no-store');
    }
    const changed = await t
      .http()
      .get(path)
      .set(admin)
      .set('if-none-match', read.headers.etag)
      .expect(200);
    expect(changed.body.name).toBe('Renamed round');
  });

  it('keeps authenticated answers out of caches, and lets the public docs be cached', async () => {
    const rounds = await t.http().get('/api/v1/rounds').set(admin).expect(200);
    expect(rounds.headers['cache-control']).toBe('no-store');
    const refused = await t.http().get('/api/v1/rounds').expect(401);
    expect(refused.headers['cache-control']).toBe('no-store');
    const docs = await t.http().get('/api/docs-json').expect(200);
    expect(docs.headers['cache-control']).not.toBe('no-store');
  });

  it('answers 429 with Retry-After and the RateLimit fields, readable by an allowed origin', async () => {
    const email = `nobody-${uniqueSuffix().toLowerCase()}@example.org`;
    const attempt = () =>
      t.http().post('/api/v1/auth/login').set('origin', PORTAL).send({ email, password: 'wrong' });
    await attempt().expect(401);
    await attempt().expect(401);
    const refused = await attempt().expect(429);
    expectProblem(refused.body, 429, 'too-many-requests');
    const wait = Number(refused.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(refused.headers.ratelimit).toBe(`"login-email-address";r=0;t=${wait}`);
    expect(refused.headers['ratelimit-policy']).toMatch(/^"login-email-address";q=2;w=\d+$/);
    expect(refused.headers['access-control-allow-origin']).toBe(PORTAL);
    const exposed = String(refused.headers['access-control-expose-headers']).split(/,\s*/);
    expect(exposed).toEqual(
      expect.arrayContaining([
        'retry-after',
        'ratelimit',
        'ratelimit-policy',
        'etag',
        'location',
        'content-disposition',
      ]),
    );
    const preflight = await t
      .http()
      .options('/api/v1/rounds/1')
      .set('origin', PORTAL)
      .set('access-control-request-method', 'GET')
      .set('access-control-request-headers', 'authorization, if-none-match')
      .expect(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('if-none-match');
  });

  it('compresses big JSON answers for a client that accepts gzip, to the same JSON', async () => {
    const fastify = t.app.getHttpAdapter().getInstance();
    const get = (url: string, encoding: string) =>
      fastify.inject({ method: 'GET', url, headers: { ...admin, 'accept-encoding': encoding } });
    const url = '/api/v1/rounds?limit=100';
    const plain = await get(url, 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(1024);
    const zipped = await get(url, 'gzip');
    expect(zipped.statusCode).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toContain('application/json');
    expect(zipped.headers.vary).toContain('accept-encoding');
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length);
    expect(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8'))).toEqual(
      JSON.parse(plain.payload),
    );
    // The API docs still load, compressed.
    const docs = await get('/api/docs-json', 'gzip');
    expect(docs.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(docs.rawPayload).toString('utf8'))).toHaveProperty('openapi');
    // A versioned object keeps its bytes: its strong ETag names them.
    const { id } = (await createRound()).body;
    const round = await get(`/api/v1/rounds/${id}`, 'gzip');
    expect(round.headers.etag).toMatch(/^"\d+"$/);
    expect(round.headers['content-encoding']).toBeUndefined();
  });

  it('compresses text and JSON, never what is compressed already', () => {
    for (const type of [
      'application/json; charset=utf-8',
      'application/problem+json',
      'text/csv; charset=utf-8',
      'text/html; charset=utf-8',
    ]) {
      expect([type, COMPRESSIBLE_TYPE.test(type)]).toEqual([type, true]);
    }
    for (const type of [
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/pdf',
      'image/png',
      'application/zip',
      'application/octet-stream',
    ]) {
      expect([type, COMPRESSIBLE_TYPE.test(type)]).toEqual([type, false]);
    }
  });

  it('documents Location on every 201 and 202, ETag where sent, and the 429 headers', async () => {
    const document = (await t.http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, OpenApiOperation>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ at: `${method} ${path}`, op })),
    );
    const withoutLocation = operations
      .flatMap(({ at, op }) =>
        ['201', '202']
          .filter((status) => op.responses?.[status])
          .map((status) => ({ at: `${at} ${status}`, headers: op.responses[status].headers })),
      )
      .filter(
        ({ at, headers }) => !headers?.Location && at !== 'post /api/v1/auth/password-reset 202',
      )
      .map(({ at }) => at);
    expect(withoutLocation).toEqual([]);
    const headersOf = (method: string, path: string, status: string) =>
      Object.keys(document.paths[path][method].responses[status].headers ?? {});
    expect(headersOf('get', '/api/v1/rounds/{id}', '200')).toContain('ETag');
    expect(document.paths['/api/v1/bids/{id}'].get.responses['304']).toBeDefined();
    expect(headersOf('post', '/api/v1/bids', '201')).toEqual(
      expect.arrayContaining(['ETag', 'Location']),
    );
    expect(headersOf('post', '/api/v1/auth/login', '429')).toEqual(
      expect.arrayContaining(['Retry-After', 'RateLimit', 'RateLimit-Policy']),
    );
  });
});
