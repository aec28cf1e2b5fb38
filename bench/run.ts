import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/load-config';
import { createHttpApp } from '../src/http-app';

// Latency of the hot read paths through the whole stack (Fastify inject, guard, PostgreSQL),
// against the database in DATABASE_URL with the demo data loaded (run `npm start` once first).
// Prints one JSON document; targets are compared by whoever reads it, never asserted in tests.
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createHttpApp(
    { ...config, login: { ...config.login, perAddressLimit: 100_000, perEmailLimit: 100_000 } },
    false,
  );
  const server = app.getHttpAdapter().getInstance();
  const login = await server.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'applicant@demo.test', password: config.demoPassword },
  });
  const token = login.json<{ accessToken: string }>().accessToken;
  const results = [];
  for (const [name, url] of [
    ['GET /api/v1/me', '/api/v1/me'],
    ['GET /api/v1/rounds', '/api/v1/rounds?limit=20'],
    ['GET /health/ready', '/health/ready'],
  ] as const) {
    const timings: number[] = [];
    for (let i = 0; i < 300; i++) {
      const started = performance.now();
      const response = await server.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${token}` },
      });
      if (response.statusCode !== 200) {
        throw new Error(`${name} answered ${response.statusCode}`);
      }
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    const at = (q: number) => Number(timings[Math.floor(q * (timings.length - 1))].toFixed(2));
    results.push({ name, requests: timings.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: at(1) });
  }
  await app.close();
  process.stdout.write(
    `${JSON.stringify({ benchmark: 'api-read-latency', node: process.version, results }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
