import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { manyKeys } from './hostile-bodies';
import { recordResult, round2 } from './results';
import { Child, startChild, waitForHttp } from './children';
import {
  benchConfig,
  benchEnv,
  cleanUp,
  envNumber,
  freePort,
  freshDatabase,
  log,
  runMain,
  signIn,
} from './support';

// Issue 19, item 1: what a hostile body costs the API. The body is the one that froze it, 1 MiB
// of 128,000 unknown keys, sent to the sign-in (no token needed) and to a signed-in route with a
// body (POST /api/v1/organisations as admin). Our API (dist/src/main.js, role api) runs as a
// child process; we read its CPU time from /proc before and after BENCH_BODY_REQUESTS (20) such
// bodies, one at a time, and as the baseline the CPU of as many ordinary sign-ins. Then /health
// is driven at a fixed BENCH_HEALTH_RATE (100) requests per second for BENCH_SECONDS (10),
// first alone, then while BENCH_ATTACKERS (4) clients (body-attacker.ts, a process of its own)
// send the hostile body in a loop: the ratio is /health's p99 under attack to its p99 alone.
const REQUESTS = envNumber('BENCH_BODY_REQUESTS', 20);
const SECONDS = envNumber('BENCH_SECONDS', 10);
const RATE = envNumber('BENCH_HEALTH_RATE', 100);
const ATTACKERS = envNumber('BENCH_ATTACKERS', 4);

// CPU time (user + system) the process has used, in milliseconds.
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 a second).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

// The answer's status, or 0 when the server closed the connection before reading the whole
// body (as it may after answering 413).
async function post(url: string, body: string, token?: string): Promise<number> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body,
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

// Server CPU per request, in ms, over `count` requests sent one at a time.
async function cpuPerRequest(child: Child, count: number, send: () => Promise<number>) {
  const pid = child.process.pid!;
  const before = cpuMs(pid);
  const statuses = new Set<number>();
  for (let i = 0; i < count; i++) {
    statuses.add(await send());
  }
  return { ms: (cpuMs(pid) - before) / count, statuses: [...statuses] };
}

async function healthP99(base: string): Promise<number> {
  const result = await autocannon({
    url: `${base}/health`,
    connections: 4,
    overallRate: RATE,
    duration: SECONDS,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`/health: ${result.non2xx} answers not 2xx, ${result.errors} errors`);
  }
  return result.latency.p99;
}

async function main(): Promise<void> {
  const config = benchConfig('body');
  await freshDatabase(config, true);
  let ours: Child | undefined;
  try {
    const port = await freePort();
    ours = startChild(
      'our API',
      join(__dirname, '..', 'src', 'main.js'),
      benchEnv(config, {
        PORT: String(port),
        HOST: '127.0.0.1',
        PROCESS_ROLE: 'api',
        LOGIN_LIMIT_PER_EMAIL: '10000',
        LOGIN_LIMIT_PER_ADDRESS: '100000',
      }),
    );
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(ours, `${base}/health/ready`);
    const credentials = JSON.stringify({ email: 'admin@demo.test', password: config.demoPassword });
    const accessToken = await signIn(base, 'admin@demo.test', config.demoPassword);
    const hostile = manyKeys(128_000);
    const loginUrl = `${base}/api/v1/auth/login`;
    const routeUrl = `${base}/api/v1/organisations`;

    const baseline = await cpuPerRequest(ours, REQUESTS, () => post(loginUrl, credentials));
    const atLogin = await cpuPerRequest(ours, REQUESTS, () => post(loginUrl, hostile));
    const atRoute = await cpuPerRequest(ours, REQUESTS, () => post(routeUrl, hostile, accessToken));
    log(`body: CPU ms per request ${JSON.stringify({ baseline, atLogin, atRoute })}`);

    const quiet = await healthP99(base);
    const attacker = startChild(
      'attackers',
      join(__dirname, 'body-attacker.js'),
      benchEnv(config, {
        ATTACK_BASE_URL: base,
        ATTACK_TOKEN: accessToken,
        BENCH_ATTACKERS: String(ATTACKERS),
      }),
    );
    let sent = 0;
    attacker.process.on('message', (message: { sent: number }) => {
      sent = message.sent;
    });
    const underAttack = await healthP99(base);
    await attacker.stop();
    log(`body: /health p99 ${quiet} ms alone, ${underAttack} ms under ${sent} hostile bodies`);
    recordResult('body_shape', {
      cpu_ms_normal_login: round2(baseline.ms),
      cpu_ms_hostile_login: round2(atLogin.ms),
      cpu_ms_hostile_route: round2(atRoute.ms),
      cpu_ratio_hostile_to_login: round2(Math.max(atLogin.ms, atRoute.ms) / baseline.ms),
      health_p99_ms_alone: quiet,
      health_p99_ms_under_attack: underAttack,
      health_p99_ratio: round2(underAttack / Math.max(1, quiet)),
      hostile_bodies_sent: sent,
    });
  } finally {
    await ours?.stop();
    await cleanUp(config);
  }
}

runMain(main);
