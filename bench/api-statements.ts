import { join } from 'node:path';
import { api, draftBid, OpenRound } from './api-workload';
import { Child, nextMessage } from './children';

// How many statements each server sends PostgreSQL for one create and one list: the counter
// (count-statements.ts) preloaded into the server, read over IPC before and after a few requests
// sent one at a time, so nothing else is in flight.

export type Counts = Record<string, number>;

// The environment that preloads the counter into a child.
export function countingStatements(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const preload = `--require ${join(__dirname, 'count-statements.js')}`;
  return { ...env, NODE_OPTIONS: [env.NODE_OPTIONS, preload].filter(Boolean).join(' ') };
}

async function countsOf(child: Child): Promise<Counts> {
  const answer = nextMessage<{ statements?: Counts }>(child, (m) => m?.statements !== undefined);
  child.process.send('statements?');
  return (await answer).statements as Counts;
}

function per(before: Counts, after: Counts, requests: number): Counts {
  return Object.fromEntries(
    Object.keys(after)
      .map((word) => [word, (after[word] - (before[word] ?? 0)) / requests] as const)
      .filter(([, count]) => count > 0),
  );
}

// "14 (SELECT 7, INSERT 4, ...)": the total a request, then by first word.
export function describe(counts: Counts): string {
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  const words = Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([word, count]) => `${word} ${count}`);
  return `${total} (${words.join(', ')})`;
}

export async function statementsPerRequest(
  child: Child,
  url: string,
  token: string,
  round: OpenRound,
  requests = 10,
): Promise<{ create: Counts; list: Counts }> {
  const start = await countsOf(child);
  for (let n = 0; n < requests; n++) {
    await api(url, 'POST', '/api/v1/bids', token, draftBid(round, n));
  }
  const created = await countsOf(child);
  for (let n = 0; n < requests; n++) {
    await api(url, 'GET', `/api/v1/bids?roundId=${round.id}`, token);
  }
  const listed = await countsOf(child);
  return { create: per(start, created, requests), list: per(created, listed, requests) };
}
