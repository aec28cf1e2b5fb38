import type { BidDto } from '../../src/bids/bid-response.dto';
import type { CreateRoundDto } from '../../src/rounds/round.dto';
import { login, type TestApp } from './app';
import { type Bidder, type BiddingWorld, openRound, validBid } from './bids';
import { validStaffUser } from './factories';

type Headers = { authorization: string };

export interface Assessor {
  id: string;
  email: string;
  name: string;
  headers: Headers;
}

// A new assessor user, signed in.
export async function newAssessor(t: TestApp, admin: Headers): Promise<Assessor> {
  const user = validStaffUser({ role: 'assessor' });
  const created = await t.http().post('/api/v1/users').set(admin).send(user).expect(201);
  const token = await login(t, user.email as string, user.password as string);
  return {
    id: created.body.id,
    email: created.body.email,
    name: created.body.name,
    headers: { authorization: `Bearer ${token}` },
  };
}

export interface PlannedBid {
  by: Bidder;
  title: string;
  // The Northumbria PCC endorses it after submission (bids led by others need that).
  endorsedBy?: Bidder;
}

// The criteria every assessment test marks: 60% and 40% of the score, each out of 5.
export const CRITERIA = [
  { title: 'Strategic case', weight: 60, maxMark: 5 },
  { title: 'Value for money', weight: 40, maxMark: 5 },
];

export interface ClosedRound {
  round: { id: string; code: string; criteria: { id: string; title: string }[] };
  bids: BidDto[];
}

// A round whose window closes a few seconds from now: the planned bids are submitted (and
// endorsed) while it is open, then the round is closed once the window has passed.
export async function closedRoundWithBids(
  world: BiddingWorld,
  planned: PlannedBid[],
  overrides: Partial<CreateRoundDto> = {},
): Promise<ClosedRound> {
  const { t, as } = world;
  const closesAt = new Date(Date.now() + 3_000 + 1_000 * planned.length);
  const round = await openRound(t, as('admin'), {
    closesAt: closesAt.toISOString(),
    criteria: CRITERIA,
    ...overrides,
  });
  const bids: BidDto[] = [];
  for (const plan of planned) {
    const draft = await t
      .http()
      .post('/api/v1/bids')
      .set(plan.by.headers)
      .send(validBid(round, { title: plan.title }))
      .expect(201);
    await t.http().post(`/api/v1/bids/${draft.body.id}/submit`).set(plan.by.headers).expect(200);
    if (plan.endorsedBy) {
      await t
        .http()
        .post(`/api/v1/bids/${draft.body.id}/endorse`)
        .set(plan.endorsedBy.headers)
        .expect(200);
    }
    bids.push(draft.body);
  }
  await new Promise((resolve) => setTimeout(resolve, closesAt.getTime() - Date.now() + 50));
  await t.http().post(`/api/v1/rounds/${round.id}/close`).set(as('admin')).expect(200);
  const read = await t.http().get(`/api/v1/rounds/${round.id}`).set(as('moderator')).expect(200);
  return { round: read.body, bids };
}

// A deadline for assessors' scores, days from now.
export function dueIn(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString();
}
