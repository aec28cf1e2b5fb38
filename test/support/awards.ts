import { londonDateOf } from '../../src/common/london-time';
import type { AssignmentDto } from '../../src/assessment/assessment-response.dto';
import { BidDraftingService } from '../../src/bids/bid-drafting.service';
import type { BidDto } from '../../src/bids/bid-response.dto';
import type { CreateBidDto } from '../../src/bids/bid.dto';
import { BidSubmissionService } from '../../src/bids/bid-submission.service';
import type { AuthenticatedUser } from '../../src/common/access';
import type { CreateRoundDto } from '../../src/rounds/round.dto';
import { RoundsService } from '../../src/rounds/rounds.service';
import { UsersService } from '../../src/users/users.service';
import { type Assessor, CRITERIA, dueIn, newAssessor } from './assessment';
import { type Bidder, type BiddingWorld, validBid } from './bids';
import { login, type TestApp } from './app';
import { createAccount } from './accounts';
import { validRound, validStaffUser } from './factories';

const DAY = 86_400_000;

export interface ModeratedRound {
  round: { id: string; code: string; criteria: { id: string; title: string }[] };
  // In submission order: each bidder's bids in turn.
  bids: BidDto[];
  // The one assessor, assigned every bid.
  assessor: Assessor;
}

// The bidder as the services see a signed-in user.
async function asUser(world: BiddingWorld, bidder: Bidder): Promise<AuthenticatedUser> {
  const found = await world.t.app.get(UsersService).findByEmail(bidder.email);
  if (!found) {
    throw new Error(`No user ${bidder.email}`);
  }
  const { id, email, name, role, organisationId } = found;
  return { id, email, name, role, organisationId, sessionId: null };
}

// A round in assessment whose bids all have a final score of 80.00 (one assessor each), except
// the last `unscored`, still waiting for theirs. The bidding window is set in the past (opening
// ten days ago unless `overrides.opensAt` says when) and the bids are made through the bid
// services at a time inside it (the API would refuse a past window), so a round of dozens of
// bids needs no waiting; everything after closing goes
// through the API. Each bidder's organisation bids `perBidder` times (a per-applicant limit).
export async function moderatedRound(
  world: BiddingWorld,
  bidders: Bidder[],
  perBidder: number,
  overrides: Partial<CreateRoundDto> = {},
  unscored = 0,
  bidOverrides: Partial<CreateBidDto> = {},
): Promise<ModeratedRound> {
  const { t, as } = world;
  const opensAt = new Date(overrides.opensAt ?? Date.now() - 10 * DAY);
  const created = await t
    .http()
    .post('/api/v1/rounds')
    .set(as('admin'))
    .send(
      validRound({
        opensAt: opensAt.toISOString(),
        closesAt: new Date(Date.now() - 60_000).toISOString(),
        bidLimitScope: 'applicant',
        bidLimit: Math.max(perBidder, 1),
        assessmentsPerBid: 1,
        criteria: CRITERIA,
        // Its window is past (and delivery may start before it closed): a round for the records,
        // which the services below walk through at the story's dates.
        historic: true,
        ...overrides,
      }),
    )
    .expect(201);
  const round = created.body;
  const seed = { id: null, label: 'test setup' };
  await t.app.get(RoundsService).run(seed, round.id, 'publish', opensAt);
  const bidding = new Date(opensAt.getTime() + DAY);
  const drafting = t.app.get(BidDraftingService);
  const submission = t.app.get(BidSubmissionService);
  const bids: BidDto[] = [];
  for (const bidder of bidders) {
    const user = await asUser(world, bidder);
    const actor = { id: user.id, label: user.email };
    for (let i = 1; i <= perBidder; i += 1) {
      const title = `Safer streets ${bidder.email.slice(7, 11)} ${i}`;
      const draft = await drafting.create(
        actor,
        user,
        validBid(round, { title, ...bidOverrides }),
        undefined,
        bidding,
      );
      bids.push(await submission.submit(actor, user, draft.id, bidding));
    }
  }
  await t.http().post(`/api/v1/rounds/${round.id}/close`).set(as('admin')).expect(200);
  // A council's or charity's bid goes to assessment only once its area's PCC has endorsed it:
  // the world's PCC (Northumbria's) endorses its area's.
  for (const [index, bid] of bids.entries()) {
    if (bid.endorsement.state === 'awaiting') {
      const endorsed = await t
        .http()
        .post(`/api/v1/bids/${bid.id}/endorse`)
        .set(world.pcc.headers)
        .expect(200);
      bids[index] = endorsed.body as BidDto;
    }
  }
  await t
    .http()
    .post(`/api/v1/rounds/${round.id}/start-assessment`)
    .set(as('moderator'))
    .send({ assessmentDueAt: dueIn(14) })
    .expect(200);
  const assessor = await newAssessor(t, as('admin'));
  const auto = await t
    .http()
    .post(`/api/v1/rounds/${round.id}/assignments/auto`)
    .set(as('moderator'))
    .send({ assessorIds: [assessor.id] })
    .expect(200);
  const scoredBids = new Set(bids.slice(0, bids.length - unscored).map((bid) => bid.id));
  const work = (auto.body.assignments as AssignmentDto[]).filter((a) => scoredBids.has(a.bidId));
  const marks = round.criteria.map((criterion: { id: string }) => ({
    criterionId: criterion.id,
    mark: 4,
    justification: 'Sound plan with local evidence.',
  }));
  // Ten at a time: different bids, so they run side by side.
  for (let start = 0; start < work.length; start += 10) {
    await Promise.all(
      work.slice(start, start + 10).map(async ({ id }) => {
        const at = `/api/v1/assignments/${id}`;
        const headers = assessor.headers;
        await t.http().post(`${at}/declaration`).set(headers).send({ conflict: false }).expect(200);
        await t.http().put(`${at}/marks`).set(headers).send({ marks }).expect(200);
        await t.http().post(`${at}/submit`).set(headers).expect(200);
      }),
    );
  }
  return { round, bids, assessor };
}

// A green (or other) due-diligence result for the organisation, recorded by finance.
export async function recordDueDiligence(
  world: BiddingWorld,
  organisationId: string,
  rating: 'red' | 'amber' | 'green',
): Promise<void> {
  await world.t
    .http()
    .post(`/api/v1/organisations/${organisationId}/due-diligence`)
    .set(world.as('finance'))
    .send({
      rating,
      checkedOn: londonDateOf(new Date()),
      notes: 'Companies House and credit records checked.',
    })
    .expect(201);
}

// An award of everything the bid asked for.
export function fullAward(bid: BidDto): object {
  return {
    outcome: 'award',
    lines: (bid.costLines ?? []).map(({ financialYear, kind, amountPence }) => ({
      financialYear,
      kind,
      amountPence,
    })),
    conditions: ['Quarterly returns within 30 days of quarter end'],
  };
}

// Another approver: a second approval must come from someone other than the first.
export async function newApprover(
  t: TestApp,
  admin: { authorization: string },
): Promise<{ authorization: string }> {
  return (await newApproverAccount(t, admin)).headers;
}

// A new approver, signed in, with the password chosen (to sign in again, in the portal say).
export async function newApproverAccount(
  t: TestApp,
  admin: { authorization: string },
): Promise<{ email: string; password: string; headers: { authorization: string } }> {
  const user = await createAccount(t, admin, validStaffUser({ role: 'approver' }));
  const headers = { authorization: `Bearer ${await login(t, user.email, user.password)}` };
  return { email: user.email, password: user.password, headers };
}

// An award of part of what the bid asked for: £150,000 capital and £50,000 revenue in the
// bid's financial year.
export function partAward(bid: BidDto): object {
  const [line] = bid.costLines ?? [];
  return {
    outcome: 'award',
    lines: [
      { financialYear: line.financialYear, kind: 'capital', amountPence: 15_000_000 },
      { financialYear: line.financialYear, kind: 'revenue', amountPence: 5_000_000 },
    ],
    conditions: ['Street lighting works are signed off by the highway authority before payment'],
  };
}
