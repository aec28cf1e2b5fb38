import { ConfigError, loadConfig } from '../src/config/load-config';
import { startApp, type TestApp } from './support/app';

const PORTAL = 'https://portal.example.gov.uk';

// Every answer carries the security headers, and only configured origins may call the API from
// a browser.
describe('security headers and CORS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ processRole: 'api', corsOrigins: [PORTAL] });
  });
  afterAll(() => t.close());

  it('sends the security headers on answers and on errors', async () => {
    for (const response of [
      await t.http().get('/health').expect(200),
      await t.http().get('/api/v1/rounds').expect(401),
    ]) {
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': expect.stringContaining('max-age='),
        'referrer-policy': 'no-referrer',
      });
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['content-security-policy']).toContain("object-src 'none'");
    }
    // The API docs still load under the policy.
    const docs = await t.http().get('/api/docs').redirects(1).expect(200);
    expect(docs.text).toContain('swagger');
  });

  it('answers a configured origin and no other', async () => {
    const preflight = (origin: string) =>
      t
        .http()
        .options('/api/v1/rounds')
        .set('origin', origin)
        .set('access-control-request-method', 'GET')
        .set('access-control-request-headers', 'authorization');
    const allowed = await preflight(PORTAL).expect(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(allowed.headers['access-control-allow-headers']).toContain('authorization');
    const other = await preflight('https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const read = await t.http().get('/health').set('origin', 'https://evil.example').expect(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers an OPTIONS request that is not a CORS preflight without a bare text error', async () => {
    // No Origin or Access-Control-Request-Method: nothing is wrong with asking what a path allows.
    const bare = await t.http().options('/api/v1/rounds');
    expect(bare.status).toBe(204);
    expect(bare.headers['access-control-allow-origin']).toBeUndefined();
    expect(bare.text).toBe('');
  });

  it('refuses a body over 1 MiB with 413 problem+json', async () => {
    const response = await t
      .http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ email: 'a@b.example', password: 'x'.repeat(1_100_000) }));
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 413, code: 'payload-too-large' });
  });

  it('refuses to start with a malformed origin list', () => {
    expect(() => loadConfig({ ...process.env, CORS_ORIGINS: 'portal.example.gov.uk/*' })).toThrow(
      ConfigError,
    );
    expect(
      loadConfig({ ...process.env, CORS_ORIGINS: `${PORTAL}, http://localhost:5173` }).corsOrigins,
    ).toEqual([PORTAL, 'http://localhost:5173']);
  });
});
