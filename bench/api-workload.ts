import type { CreateBidDto } from '../src/bids/bid.dto';
import { openDemoRound } from '../src/demo/demo-bids';
import { financialYearOf } from '../src/rounds/financial-year';
import type { OpenLoopRequest } from './open-loop';

// The api benchmark's workload: its JSON calls, the open rounds it bids into (made and published
// through our API by the demo admin), and the draft it creates again and again.

export interface OpenRound {
  id: string;
  deliveryStartsOn: string;
}

export async function api<T>(
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
export async function openRounds(base: string, adminToken: string, count: number) {
  const rounds: OpenRound[] = [];
  for (let i = 0; i < count; i++) {
    roundsMade += 1;
    const definition = {
      // Round 4's rules on dates around now, as the demo's open round; the status it carries
      // at run time (round 4's, for the seed) is not a field of the create request.
      ...openDemoRound(new Date()),
      status: undefined,
      // The demo's opens exactly 7 days back, the most a new round may; a request sent a moment
      // later would be refused, so these open a day back.
      opensAt: new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString(),
      code: `BENCH-API-${roundsMade}`,
      name: `Benchmark round ${roundsMade}`,
    };
    const round = await api<OpenRound>(base, 'POST', '/api/v1/rounds', adminToken, definition);
    await api(base, 'POST', `/api/v1/rounds/${round.id}/publish`, adminToken, {});
    rounds.push(round);
  }
  return rounds;
}

// A draft as a bidder saves it early on: the outline, one intervention, the first year's costs
// and one source of match funding.
export function draftBid(round: OpenRound, n: number): CreateBidDto {
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

// The n-th request of the mix for the open-loop driver: creates and lists taking turns, each
// spread over the rounds as the saturating load spreads them.
export function nthRequest(rounds: OpenRound[], token: string, n: number): OpenLoopRequest {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const round = rounds[Math.floor(n / 2) % rounds.length];
  return n % 2 === 0
    ? { method: 'POST', path: '/api/v1/bids', headers, body: JSON.stringify(draftBid(round, n)) }
    : { method: 'GET', path: `/api/v1/bids?roundId=${round.id}`, headers };
}
