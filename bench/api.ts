import { join } from 'node:path';
import autocannon from 'autocannon';
import { DataSource } from 'typeorm';
import type { CreateBidDto } from '../src/bids/bid.dto';
import type { AppConfig } from '../src/config/app-config';
import { openDemoRound } from '../src/demo/demo-bids';
import { financialYearOf } from '../src/rounds/financial-year';
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

// Throughput and tail latency of the API under load: 64 connections, each alternating
// POST /api/v1/bids (a new draft bid) and GET /api/v1/bids (the bidder's list of bids, first
// page), as the demo applicant. Our API (dist/src/main.js, role api) and a minimal node:http + pg
// server issuing the same SQL (api-baseline.ts) run side by side as child processes against the
// same database; after BENCH_WARMUP_SECONDS (3) each, they are driven in turn for BENCH_SECONDS
// (10) at a time, BENCH_API_PASSES (2) times each: requests per second are the passes' mean,
// p99 the worse pass's.
//
// A bidder may keep any number of drafts (the round's bid limit counts submitted bids only), so
// the same create can be repeated. Drafts are numbered per round under a lock on the round row,
// so the drafts of one round are made one at a time: each run gets fresh open rounds
// (BENCH_API_ROUNDS, 4) and spreads its creates over them, and each list asks for the bids of
// one of them (the newest 20), so both servers list from empty rounds up. The baseline runs
// first, so ours meets the larger tables. p99 is our server's, from autocannon.
const SECONDS = envNumber('BENCH_SECONDS', 10);
const WARMUP_SECONDS = envNumber('BENCH_WARMUP_SECONDS', 3);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 64);
const ROUNDS = envNumber('BENCH_API_ROUNDS', 4);
const PASSES = envNumber('BENCH_API_PASSES', 2);

interface Target {
  name: 'ours' | 'baseline';
  url: string;
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function api<T>(
  base: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  }
  return JSON.parse(text) as T;
}

// `count` rounds open for bids now, made and published through our API by the demo admin.
let roundsMade = 0;
async function openRounds(base: string, adminToken: string, count: number) {
  const rounds: { id: string; deliveryStartsOn: string }[] = [];
  for (let i = 0; i < count; i++) {
    roundsMade += 1;
    const definition = {
      // Round 4's rules on dates around now, as the demo's open round; the status it carries
      // at run time (round 4's, for the seed) is not a field of the create request.
      ...openDemoRound(new Date()),
      status: undefined,
      code: `BENCH-API-${roundsMade}`,
      name: `Benchmark round ${roundsMade}`,
    };
    const round = await api<{ id: string; deliveryStartsOn: string }>(
      base,
      'POST',
      '/api/v1/rounds',
      adminToken,
      definition,
    );
    await api(base, 'POST', `/api/v1/rounds/${round.id}/publish`, adminToken, {});
    rounds.push(round);
  }
  return rounds;
}

// A draft as a bidder saves it early on: the outline, one intervention, the first year's costs
// and one source of match funding.
function draftBid(round: { id: string; deliveryStartsOn: string }, n: number): CreateBidDto {
  const year = financialYearOf(round.deliveryStartsOn);
  return {
    roundId: round.id,
    title: `Benchmark draft ${n}: safer alleys for Byker`,
    summary: 'Alley gates and lighting on the streets with the most burglaries.',
    targetLsoas: ['E01008324', 'E01008325'],
    primaryCrimeType: 'neighbourhood crime',
    interventions: [
      {
        category: 'Situational and target hardening',
        type: 'Street lighting',
        description: 'Forty LED columns in the back lanes',
        costPence: 30_000_000,
        outputMeasure: 'lighting columns installed',
        outputTarget: 40,
      },
    ],
    costLines: [
      { financialYear: year, kind: 'capital', amountPence: 25_000_000 },
      { financialYear: year, kind: 'revenue', amountPence: 5_000_000 },
    ],
    matchFunding: [{ source: 'Newcastle City Council', kind: 'cash', amountPence: 6_000_000 }],
  };
}

async function load(
  target: Target,
  token: string,
  rounds: { id: string; deliveryStartsOn: string }[],
  seconds: number,
): Promise<Run> {
  let created = 0;
  let listed = 0;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const result = await autocannon({
    url: target.url,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/bids',
        headers,
        setupRequest: (request) => {
          created += 1;
          return {
            ...request,
            body: JSON.stringify(draftBid(rounds[created % rounds.length], created)),
          };
        },
      },
      {
        method: 'GET',
        headers,
        setupRequest: (request) => {
          listed += 1;
          return { ...request, path: `/api/v1/bids?roundId=${rounds[listed % rounds.length].id}` };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function checkSameAnswers(
  ours: Target,
  baseline: Target,
  token: string,
  round: { id: string; deliveryStartsOn: string },
) {
  const body = draftBid(round, 0);
  const a = await api<Record<string, unknown>>(ours.url, 'POST', '/api/v1/bids', token, body);
  const b = await api<Record<string, unknown>>(baseline.url, 'POST', '/api/v1/bids', token, body);
  const shape = (value: Record<string, unknown>) => Object.keys(value).sort().join(',');
  if (shape(a) !== shape(b)) {
    throw new Error(`The baseline's bid differs in shape from ours:\n${shape(a)}\n${shape(b)}`);
  }
  const listA = await api<{ items: unknown[]; total: number }>(
    ours.url,
    'GET',
    `/api/v1/bids?roundId=${round.id}`,
    token,
  );
  const listB = await api<{ items: unknown[]; total: number }>(
    baseline.url,
    'GET',
    `/api/v1/bids?roundId=${round.id}`,
    token,
  );
  if (
    listA.total !== listB.total ||
    listA.items.length !== listB.items.length ||
    listA.total !== 2
  ) {
    throw new Error(
      `The lists differ: ours ${listA.total}/${listA.items.length}, baseline ${listB.total}/${listB.items.length}`,
    );
  }
}

async function vacuum(config: AppConfig): Promise<void> {
  const db = await new DataSource({ type: 'postgres', url: config.databaseUrl }).initialize();
  try {
    await db.query('VACUUM ANALYZE');
  } finally {
    await db.destroy();
  }
}

async function main(): Promise<void> {
  const config = benchConfig('api');
  log(`api: preparing ${new URL(config.databaseUrl).pathname.slice(1)} (demo data)`);
  await freshDatabase(config, true);
  const children: Child[] = [];
  try {
    const [oursPort, baselinePort] = [await freePort(), await freePort()];
    const ours = startChild(
      'our API',
      join(__dirname, '..', 'src', 'main.js'),
      benchEnv(config, {
        PORT: String(oursPort),
        HOST: '127.0.0.1',
        PROCESS_ROLE: 'api',
        // One login per run here, but a developer re-running it should never meet the limits.
        LOGIN_LIMIT_PER_EMAIL: '10000',
        LOGIN_LIMIT_PER_ADDRESS: '100000',
      }),
    );
    children.push(ours);
    const baseline = startChild(
      'baseline',
      join(__dirname, 'api-baseline.js'),
      benchEnv(config, {
        PORT: String(baselinePort),
        JWT_SECRET: config.jwtSecret,
        // The size of pool DatabaseModule gives our API.
        POOL_SIZE: String(Math.max(10, config.mail.concurrency + 6)),
      }),
    );
    children.push(baseline);
    const oursTarget: Target = { name: 'ours', url: `http://127.0.0.1:${oursPort}` };
    const baselineTarget: Target = { name: 'baseline', url: `http://127.0.0.1:${baselinePort}` };
    await waitForHttp(ours, `${oursTarget.url}/health/ready`);
    await waitForHttp(baseline, `${baselineTarget.url}/health`);
    const token = await signIn(oursTarget.url, 'applicant@demo.test', config.demoPassword);
    const admin = await signIn(oursTarget.url, 'admin@demo.test', config.demoPassword);
    const rounds = (count: number) => openRounds(oursTarget.url, admin, count);
    await checkSameAnswers(oursTarget, baselineTarget, token, (await rounds(1))[0]);

    const runs: Record<Target['name'], Run[]> = { ours: [], baseline: [] };
    for (const target of [baselineTarget, oursTarget]) {
      await load(target, token, await rounds(ROUNDS), WARMUP_SECONDS);
    }
    // Turn about, so that whatever else the machine is doing weighs on both alike.
    for (let pass = 1; pass <= PASSES; pass++) {
      for (const target of [baselineTarget, oursTarget]) {
        await vacuum(config);
        const run = await load(target, token, await rounds(ROUNDS), SECONDS);
        log(`api: pass ${pass} ${target.name} ${JSON.stringify(run)}`);
        if (run.non2xx > 0 || run.errors > 0) {
          throw new Error(
            `${target.name}: ${run.non2xx} answers not 2xx and ${run.errors} errors under load`,
          );
        }
        runs[target.name].push(run);
      }
    }
    const rps = (list: Run[]) => list.reduce((sum, run) => sum + run.rps, 0) / list.length;
    recordResult('api', {
      ours_rps: round2(rps(runs.ours)),
      baseline_rps: round2(rps(runs.baseline)),
      ratio: round2(rps(runs.ours) / rps(runs.baseline)),
      // The worse pass: a tail is not averaged away.
      p99_ms: round2(Math.max(...runs.ours.map((run) => run.p99))),
    });
  } finally {
    for (const child of children) {
      await child.stop();
    }
    await cleanUp(config);
  }
}

runMain(main);
