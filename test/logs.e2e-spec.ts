import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { AppProcess, LogLine, spawnApp } from './support/app-process';
import { DEMO_PASSWORD, expectProblem, startApp, TestApp, tokensByRole } from './support/app';
import { signInThroughSecondFactor } from './support/second-factor';

// A child process on a loaded machine can take a while to start and answer.
jest.setTimeout(240_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Logs and request ids (the real entrypoint, its stdout read as JSON lines)', () => {
  let app: AppProcess;

  beforeAll(async () => {
    // Its own queues, so no other suite's worker takes its jobs.
    app = await spawnApp({ REDIS_PREFIX: `${process.env.REDIS_PREFIX}-logs` });
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
  });

  const requestLine = (requestId: string) =>
    app.waitForLine((line) => line.msg === 'request completed' && line.requestId === requestId);

  it('writes every line as JSON with a level, a time and a message', () => {
    const lines = app.lines();
    expect(lines.length).toBeGreaterThan(10);
    expect(
      app
        .output()
        .split('\n')
        .filter((line) => line.trim() && !line.startsWith('{')),
    ).toEqual([]);
    expect(lines.find((line) => line.context === 'NestApplication')).toMatchObject({
      level: 'info',
      time: expect.any(String),
      role: 'all',
    });
  });

  it('echoes a valid X-Request-Id and writes one line for the request, with the route pattern', async () => {
    const response = await fetch(`${app.url}/api/v1/rounds/not-a-uuid?secret=q-value`, {
      headers: { 'x-request-id': 'logs-e2e:valid_1.a' },
    });
    expect(response.headers.get('x-request-id')).toBe('logs-e2e:valid_1.a');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.requestId).toBe('logs-e2e:valid_1.a');
    const line = await requestLine('logs-e2e:valid_1.a');
    expect(line).toMatchObject({
      method: 'GET',
      route: '/api/v1/rounds/:id',
      status: response.status,
      durationMs: expect.any(Number),
    });
    expect(JSON.stringify(line)).not.toContain('q-value');
    expect(JSON.stringify(line)).not.toContain('not-a-uuid');
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with spaces and markup', 'id <script> x'],
    ['with a newline escape', 'abc%0Adef'],
  ])('replaces an X-Request-Id %s with a new UUID', async (_what, sent) => {
    const response = await fetch(`${app.url}/api/v1/nowhere`, {
      headers: { 'x-request-id': sent },
    });
    const id = response.headers.get('x-request-id') ?? '';
    expect(id).toMatch(UUID);
    expect(id).not.toBe(sent);
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(404);
    expectProblem(body, 404, 'route-not-found');
    expect(body.requestId).toBe(id);
    expect(await requestLine(id)).toMatchObject({ route: '(no route)', status: 404 });
    expect(app.output()).not.toContain(sent);
  });

  it('names the signed-in user, and never writes the password or the token', async () => {
    const { accessToken } = await signInThroughSecondFactor(
      app.post,
      'applicant@demo.test',
      DEMO_PASSWORD,
    );
    const response = await fetch(`${app.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${accessToken}`, 'x-request-id': 'logs-e2e-me' },
    });
    expect(response.status).toBe(200);
    const me = (await response.json()) as { id: string };
    expect(await requestLine('logs-e2e-me')).toMatchObject({
      route: '/api/v1/me',
      status: 200,
      userId: me.id,
    });
    const output = app.output();
    expect(output).not.toContain(accessToken);
    expect(output).not.toContain(DEMO_PASSWORD);
  });

  it("carries a password reset's request id into its job and its email's delivery", async () => {
    const response = await fetch(`${app.url}/api/v1/auth/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'logs-e2e-reset' },
      body: JSON.stringify({ email: 'finance@demo.test' }),
    });
    expect(response.status).toBe(202);
    const named = (accept: (line: LogLine) => boolean) =>
      app.waitForLine((line) => line.requestId === 'logs-e2e-reset' && accept(line));
    expect(
      await named((line) => line.msg === 'job completed' && line.queue === 'accounts'),
    ).toMatchObject({
      jobName: 'password-reset',
      jobId: expect.any(String),
      attempt: 1,
      outcome: 'completed',
      durationMs: expect.any(Number),
    });
    const delivery = await named((line) => line.msg === 'email delivery');
    expect(delivery).toMatchObject({
      template: 'password-reset',
      outcome: 'sent',
      attempt: 1,
      outboxId: expect.any(String),
    });
    expect(
      await named((line) => line.msg === 'job completed' && line.queue === 'email'),
    ).toMatchObject({ jobName: 'send', jobId: delivery.outboxId, outcome: 'completed' });
    // The recipient's address is personal data: not in any line about the delivery.
    const aboutTheEmail = app.lines().filter((line) => line.requestId === 'logs-e2e-reset');
    expect(JSON.stringify(aboutTheEmail)).not.toContain('finance@demo.test');
  });
});

describe('Request ids in problem answers (in this process)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('puts the request id in a 400 and a 404, the same as the header', async () => {
    const invalid = await t
      .http()
      .post('/api/v1/auth/login')
      .set('x-request-id', 'in-process-400')
      .send({ email: 'not an email' });
    expectProblem(invalid.body, 400);
    expect(invalid.body.requestId).toBe('in-process-400');
    expect(invalid.headers['x-request-id']).toBe('in-process-400');

    const missing = await t.http().get('/api/v1/nothing-here');
    expectProblem(missing.body, 404);
    expect(missing.body.requestId).toMatch(UUID);
    expect(missing.headers['x-request-id']).toBe(missing.body.requestId);
  });

  it('keeps the request id for a body that arrives in several pieces, into the email it queues', async () => {
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const { admin } = await tokensByRole(t);
    const email = `chunked-${Date.now()}@demo.test`;
    const body = Buffer.from(JSON.stringify({ email, name: 'Chunked Body', role: 'finance' }));
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/api/v1/users',
          headers: {
            authorization: `Bearer ${admin}`,
            'content-type': 'application/json',
            'content-length': String(body.length),
            'x-request-id': 'in-process-chunked',
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', reject);
      // Three pieces, each after the server has had time to start reading.
      const third = Math.ceil(body.length / 3);
      request.write(body.subarray(0, third));
      setTimeout(() => request.write(body.subarray(third, 2 * third)), 150);
      setTimeout(() => request.end(body.subarray(2 * third)), 300);
    });
    expect(status).toBe(201);
    const rows = await t.app
      .get(DataSource)
      .query<{ request_id: string | null }[]>(
        `SELECT request_id FROM email_outbox WHERE recipients::text LIKE $1`,
        [`%${email}%`],
      );
    expect(rows).toEqual([{ request_id: 'in-process-chunked' }]);
  });
});
