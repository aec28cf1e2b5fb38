import { AppProcess, spawnApp } from './support/app-process';
import { DEMO_PASSWORD, testConfig } from './support/app';
import {
  privatePostgresMissing,
  PrivatePostgres,
  startPrivatePostgres,
} from './support/private-postgres';
import { migrateAndSeed } from './support/test-database';

// A child process on a loaded machine can take a while to start and answer.
jest.setTimeout(240_000);

const missing = privatePostgresMissing();
if (missing) {
  // Said plainly rather than passed quietly: CI has the binaries, a user's machine may not.
  console.warn(`Skipping the failed portal page log test: ${missing}.`);
}
const describeWithServer = missing ? describe.skip : describe;

// A portal page that cannot be served shows the person an error page; the operator reading the
// log must find why, under the request id the page showed. The real entrypoint, its stdout read
// as JSON lines, on a PostgreSQL of the test's own that is stopped under it.
describeWithServer('A failed portal page in the log', () => {
  let pg: PrivatePostgres;
  let app: AppProcess;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    await migrateAndSeed(testConfig({ databaseUrl: pg.url }));
    app = await spawnApp({
      DATABASE_URL: pg.url,
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}-logs-portal`,
    });
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
    await pg?.stop();
  });

  it('writes the error with the page’s request id when the database is gone', async () => {
    const form = await fetch(`${app.url}/sign-in`, { headers: { accept: 'text/html' } });
    const cookie = form.headers
      .getSetCookie()
      .map((set) => set.split(';')[0])
      .join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
    expect(csrf).toBeDefined();
    await pg.stop();

    const response = await fetch(`${app.url}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        cookie,
        'content-type': 'application/x-www-form-urlencoded',
        'x-request-id': 'logs-e2e-portal-failed',
      },
      body: new URLSearchParams({
        _csrf: csrf as string,
        email: 'applicant@demo.test',
        password: DEMO_PASSWORD,
      }).toString(),
    });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('logs-e2e-portal-failed');

    // The request's own line is written once the answer has gone, after any error of the page.
    await app.waitForLine(
      (entry) => entry.msg === 'request completed' && entry.requestId === 'logs-e2e-portal-failed',
    );
    const line = app
      .lines()
      .find(
        (entry) =>
          entry.msg === 'portal page failed' && entry.requestId === 'logs-e2e-portal-failed',
      );
    expect(line).toMatchObject({
      level: 'error',
      context: 'Portal',
      err: { message: expect.any(String), stack: expect.any(String) },
    });
  });
});
