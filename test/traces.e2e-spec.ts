import { execFile } from 'node:child_process';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectPath } from '../src/config/project-root';
import { AppProcess, spawnApp } from './support/app-process';
import { ensureTestBuild } from './support/test-build';

jest.setTimeout(240_000);

interface ReceivedSpan {
  service: string;
  scope: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string } }[];
}

interface OtlpTraces {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: {
      scope: { name: string };
      spans?: Omit<ReceivedSpan, 'service' | 'scope'>[];
    }[];
  }[];
}

const IOREDIS = '@opentelemetry/instrumentation-ioredis';

function statementOf(span: ReceivedSpan): string | undefined {
  return span.attributes?.find((attribute) => attribute.key === 'db.query.text')?.value.stringValue;
}

// A tiny OTLP/HTTP receiver: POST /v1/traces with JSON (the http exporter's encoding).
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; server: Server }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/v1/traces' && request.headers['content-type'] === 'application/json') {
        const traces = JSON.parse(body) as OtlpTraces;
        for (const resourceSpans of traces.resourceSpans ?? []) {
          const service =
            resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value
              .stringValue ?? '';
          for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
            for (const span of scopeSpans.spans ?? []) {
              spans.push({ ...span, service, scope: scopeSpans.scope.name });
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, server };
}

async function waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const found = find();
    if (found !== undefined) {
      return found;
    }
    if (Date.now() > deadline) {
      throw new Error(`Never received ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('Traces (the real entrypoint sending to an OTLP/HTTP receiver started here)', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let app: AppProcess;

  beforeAll(async () => {
    receiver = await startReceiver();
    app = await spawnApp({
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}-traces`,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    });
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
    receiver?.server.close();
  });

  it("continues a request's trace into the job it queues and the email that job sends", async () => {
    const response = await fetch(`${app.url}/api/v1/auth/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'traces-e2e-reset' },
      body: JSON.stringify({ email: 'moderator@demo.test' }),
    });
    expect(response.status).toBe(202);
    const { spans } = receiver;
    const server = await waitFor(
      () =>
        spans.find(
          (span) =>
            span.scope === '@opentelemetry/instrumentation-http' &&
            span.kind === 2 &&
            span.name.startsWith('POST'),
        ),
      'the HTTP server span of the request',
    );
    expect(server.service).toBe('safer-streets-grants-all');
    const inTrace = () => spans.filter((span) => span.traceId === server.traceId);
    const job = await waitFor(
      () => inTrace().find((span) => span.name === 'accounts password-reset'),
      "the password reset job's span in the request's trace",
    );
    expect(job.kind).toBe(5);
    expect(job.parentSpanId).toBeTruthy();
    await waitFor(
      () => inTrace().find((span) => span.name === 'email send'),
      "the email job's span in the request's trace",
    );
    // SQL under the request and under the jobs.
    await waitFor(
      () =>
        inTrace().find(
          (span) =>
            span.scope === '@opentelemetry/instrumentation-pg' && span.name.startsWith('pg.query'),
        ),
      'a pg span in the trace',
    );
    // Redis commands under the request and the jobs (BullMQ's scripts run as EVALSHA), each
    // described by its command's name alone, never its arguments (keys, job data).
    await waitFor(
      () => inTrace().find((span) => span.scope === IOREDIS && span.name === 'evalsha'),
      "an ioredis span of BullMQ's EVALSHA in the trace",
    );
    const redis = inTrace().filter((span) => span.scope === IOREDIS);
    const statements = redis.map((span) => [span.name, statementOf(span)]);
    expect(statements).toEqual(redis.map((span) => [span.name, span.name]));
  });
  it('sends no query string, job data or email address to the collector', async () => {
    expect((await fetch(`${app.url}/health?token=never-traced-7731`)).status).toBe(200);
    await waitFor(
      () =>
        receiver.spans.find(
          (span) => span.kind === 2 && JSON.stringify(span).includes('"stringValue":"/health"'),
        ),
      'the HTTP server span of the health check',
    );
    // Everything received so far, the password reset above included (its job's data, in
    // Redis commands, held the email address).
    const leaks = receiver.spans.flatMap((span) =>
      ((span as { attributes?: { key: string }[] }).attributes ?? [])
        .filter((attribute) =>
          /never-traced-7731|moderator@demo\.test/.test(JSON.stringify(attribute)),
        )
        .map((attribute) => `${span.name}: ${JSON.stringify(attribute)}`),
    );
    expect(leaks).toEqual([]);
    expect(JSON.stringify(receiver.spans)).not.toMatch(/never-traced-7731|moderator@demo\.test/);
  });

  it('loads the OpenTelemetry SDK only when tracing is on (it takes some 30 MB)', async () => {
    const built = await ensureTestBuild();
    const sdkLoaded = async (endpoint?: string) => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
      if (endpoint) {
        env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
      }
      const tracing = join(built, 'src', 'observability');
      const script =
        `require(${JSON.stringify(join(tracing, 'start-tracing.js'))});` +
        `const loaded = Object.keys(require.cache).some((file) => file.includes('@opentelemetry/sdk-node'));` +
        `require(${JSON.stringify(join(tracing, 'tracing.js'))}).stopTracing().then(() => console.log(loaded));`;
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
        cwd: projectPath(),
        env,
      });
      return stdout.trim();
    };
    expect(await sdkLoaded()).toBe('false');
    expect(await sdkLoaded('http://127.0.0.1:9')).toBe('true');
  });
});
