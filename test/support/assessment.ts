import type { AssignmentDto } from '../../src/assessment/assessment-response.dto';
import type { BidDto } from '../../src/bids/bid-response.dto';
import type { CreateRoundDto } from '../../src/rounds/round.dto';
import { login, type TestApp } from './app';
import { type Bidder, type BiddingWorld, openRound, validBid } from './bids';
import { createAccount } from './accounts';
import { validStaffUser } from './factories';

type Headers = { authorization: string };

export interface Assessor {
  id: string;
  email: string;
  // The password chosen on accepting the invitation, for signing in again (in the portal, say).
  password: string;
  name: string;
  headers: Headers;
}

// A new assessor user, signed in.
export async function newAssessor(t: TestApp, admin: Headers): Promise<Assessor> {
  const user = validStaffUser({ role: 'assessor' });
  const account = await createAccount(t, admin, user);
  const token = await login(t, account.email, account.password);
  return {
    id: account.id,
    email: account.email,
    password: account.password,
    name: user.name as string,
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

// A round whose window closes a few seconds from now: the planned bids are drafted in order (so
// their references follow it), then submitted (and endorsed) in `submitOrder` (indices, default
// the same order) while it is open; the round is closed once the window has passed.
export async function closedRoundWithBids(
  world: BiddingWorld,
  planned: PlannedBid[],
  overrides: Partial<CreateRoundDto> = {},
  submitOrder: number[] = planned.map((_, index) => index),
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
    bids.push(draft.body);
  }
  for (const index of submitOrder) {
    const { by, endorsedBy } = planned[index];
    await t.http().post(`/api/v1/bids/${bids[index].id}/submit`).set(by.headers).expect(200);
    if (endorsedBy) {
      await t
        .http()
        .post(`/api/v1/bids/${bids[index].id}/endorse`)
        .set(endorsedBy.headers)
        .expect(200);
    }
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

// What an assessor does in a played round, through the API.
export class AssessorDesk {
  constructor(
    private readonly t: TestApp,
    private readonly played: ClosedRound,
  ) {}

  criterion(title: string): string {
    return this.played.round.criteria.find((row) => row.title === title)?.id as string;
  }

  async assignmentsOf(who: Assessor): Promise<AssignmentDto[]> {
    const response = await this.t
      .http()
      .get(`/api/v1/assignments?roundId=${this.played.round.id}`)
      .set(who.headers)
      .expect(200);
    return response.body.items;
  }

  async assignmentOn(who: Assessor, bid: BidDto): Promise<AssignmentDto> {
    const found = (await this.assignmentsOf(who)).find((row) => row.bidId === bid.id);
    if (!found) {
      throw new Error(`${who.name} holds no assignment on ${bid.reference}`);
    }
    return found;
  }

  declareNoConflict(who: Assessor, id: string) {
    return this.t
      .http()
      .post(`/api/v1/assignments/${id}/declaration`)
      .set(who.headers)
      .send({ conflict: false })
      .expect(200);
  }

  // Marks both criteria of CRITERIA (60% and 40%, each out of 5) and submits.
  async score(who: Assessor, bid: BidDto, marks: [number, number]): Promise<AssignmentDto> {
    const { id } = await this.assignmentOn(who, bid);
    const justification = 'Clear crime analysis; costs are benchmarked.';
    await this.t
      .http()
      .put(`/api/v1/assignments/${id}/marks`)
      .set(who.headers)
      .send({
        marks: [
          { criterionId: this.criterion('Strategic case'), mark: marks[0], justification },
          { criterionId: this.criterion('Value for money'), mark: marks[1], justification },
        ],
      })
      .expect(200);
    const submitted = await this.t
      .http()
      .post(`/api/v1/assignments/${id}/submit`)
      .set(who.headers)
      .expect(200);
    return submitted.body;
  }
}
