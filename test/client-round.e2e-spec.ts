import { randomUUID } from 'node:crypto';
import { type Api, ok, type Schemas } from './client/api-client';
import {
  type ClientCast,
  COUNCIL,
  generatedTypesDrift,
  PCC,
  createDeliveredRound,
  startClientCast,
} from './client/client-cast';
import { FY, quarterReport } from './client/quarter-report';
import { csvValues } from './support/csv';
import { validBid } from './support/bids';
import { eventually } from './support/smtp';

// A whole round driven only through the typed client (openapi-fetch over the types generated
// from the app's OpenAPI document), against the app listening on a port: if a body or an answer
// a step needs were missing from the document, this file would not compile.
//
// The round opened in March 2025 and its delivery ran through the financial year 2025/26, which
// is over, so every quarter's return can be sent now; its bidding window closes seconds after
// it is published, so bids are made, endorsed and ranked while it is open, then it closes.
// (createDeliveredRound).
const BIDDING_SECONDS = 8;

describe('a whole round through the typed client', () => {
  let cast: ClientCast;
  let as: ClientCast['as'];

  // What the round gathers as it goes.
  let round: Schemas['RoundDto'];
  let pccBid: Schemas['BidDto'];
  let councilBid: Schemas['BidDto'];
  let pccAward: Schemas['AwardDto'];
  let councilAward: Schemas['AwardDto'];

  beforeAll(async () => {
    cast = await startClientCast();
    as = cast.as;
  }, 60_000);

  afterAll(() => cast?.close(), 30_000);

  // The committed types are what openapi-typescript makes of this app's document now.
  it('uses types generated from the running app’s OpenAPI document', async () => {
    expect(await generatedTypesDrift(cast.baseUrl)).toEqual({ code: 0, output: '' });
  }, 60_000);

  it('sets up a round, and bids are drafted, submitted, endorsed and ranked while it is open', async () => {
    const closesAt = new Date(Date.now() + BIDDING_SECONDS * 1000);
    // The tests' usual round, as the typed client takes it (createDeliveredRound): it compiles
    // only if the documented schema accepts what the server's own DTO does.
    const created = await createDeliveredRound(cast, {
      name: 'Typed client round',
      budgetPence: 100_000_000,
      closesAt: closesAt.toISOString(),
      assessmentsPerBid: 2,
      approvalThresholdPence: 25_000_000,
      returnDueDays: 30,
      varianceThresholdPercent: 10,
      paymentDays: 30,
    });
    expect(created.status).toBe('draft');
    const path = { id: created.id };
    round = await ok(as.admin.POST('/api/v1/rounds/{id}/publish', { params: { path } }));
    expect(round.status).toBe('open');

    // £250,000 capital and £50,000 revenue in 2025/26 with 20% match funding.
    const bid = (title: string): Schemas['CreateBidDto'] =>
      validBid(round, { title, milestones: [{ title: 'Columns installed', dueOn: '2025-09-30' }] });
    const draft = (api: Api, title: string) =>
      ok(
        api.POST('/api/v1/bids', {
          params: { header: { 'Idempotency-Key': randomUUID() } },
          body: bid(title),
        }),
      );
    const pccDraft = await draft(as.pcc, 'Safer alleys for Byker');
    const councilDraft = await draft(as.council, 'Lit lanes for Walker');
    // A draft is edited against the version it was read at.
    const edited = await ok(
      as.council.PATCH('/api/v1/bids/{id}', {
        params: {
          path: { id: councilDraft.id },
          header: { 'If-Match': `"${councilDraft.version}"` },
        },
        body: { summary: 'Lighting and gates in the lanes behind Walker Road.' },
      }),
    );
    expect(edited.summary).toBe('Lighting and gates in the lanes behind Walker Road.');
    const eligibility = await ok(
      as.council.GET('/api/v1/bids/{id}/eligibility', { params: { path: { id: edited.id } } }),
    );
    expect(eligibility).toMatchObject({ eligible: true, failures: [], windowOpen: true });

    const submit = (api: Api, id: string) =>
      ok(api.POST('/api/v1/bids/{id}/submit', { params: { path: { id } } }));
    pccBid = await submit(as.pcc, pccDraft.id);
    councilBid = await submit(as.council, councilDraft.id);
    expect(councilBid.endorsement.state).toBe('awaiting');
    councilBid = await ok(
      as.pcc.POST('/api/v1/bids/{id}/endorse', { params: { path: { id: councilBid.id } } }),
    );
    expect(councilBid.endorsement.state).toBe('endorsed');
    const ranking = await ok(
      as.pcc.PUT('/api/v1/rounds/{roundId}/pcc-ranking', {
        params: { path: { roundId: round.id } },
        body: { bidIds: [pccBid.id, councilBid.id] },
      }),
    );
    expect(ranking.bids.map((row) => [row.id, row.pccRank])).toEqual([
      [pccBid.id, 1],
      [councilBid.id, 2],
    ]);

    // Bidders were promised the window: the round closes once it has passed.
    await new Promise((resolve) => setTimeout(resolve, closesAt.getTime() - Date.now() + 100));
    round = await ok(as.admin.POST('/api/v1/rounds/{id}/close', { params: { path } }));
    expect(round.status).toBe('closed');
  }, 30_000);

  it('is assessed by two assessors and moderated', async () => {
    const path = { id: round.id };
    const opened = await ok(
      as.moderator.POST('/api/v1/rounds/{id}/start-assessment', {
        params: { path },
        body: { assessmentDueAt: new Date(Date.now() + 14 * 86_400_000).toISOString() },
      }),
    );
    expect(opened).toMatchObject({ inAssessment: 2, eligibilityFailed: [] });
    const auto = await ok(
      as.moderator.POST('/api/v1/rounds/{id}/assignments/auto', {
        params: { path },
        body: { assessorIds: cast.assessors.map((assessor) => assessor.id) },
      }),
    );
    expect(auto.assignments).toHaveLength(4);
    expect(auto.shortfalls).toEqual([]);

    // The PCC's bid: 100 from one assessor and 60 from the other, a spread above the round's
    // 20 points, so a moderator decides; the council's: 80 from both.
    const marksFor = (bidId: string, first: boolean): [number, number] =>
      bidId === pccBid.id ? (first ? [5, 5] : [3, 3]) : [4, 4];
    for (const [index, assessor] of cast.assessors.entries()) {
      const mine = await ok(
        assessor.api.GET('/api/v1/assignments', { params: { query: { roundId: round.id } } }),
      );
      expect(mine.items).toHaveLength(2);
      for (const assignment of mine.items) {
        const at = { params: { path: { id: assignment.id } } };
        await ok(
          assessor.api.POST('/api/v1/assignments/{id}/declaration', {
            ...at,
            body: { conflict: false },
          }),
        );
        const bid = await ok(assessor.api.GET('/api/v1/assignments/{id}/bid', at));
        const marks = marksFor(bid.id, index === 0);
        await ok(
          assessor.api.PUT('/api/v1/assignments/{id}/marks', {
            ...at,
            body: {
              marks: round.criteria.map((criterion, i) => ({
                criterionId: criterion.id,
                mark: marks[i],
                justification: 'Clear crime analysis; costs are benchmarked.',
              })),
            },
          }),
        );
        const submitted = await ok(assessor.api.POST('/api/v1/assignments/{id}/submit', at));
        expect(submitted.status).toBe('submitted');
      }
    }

    const scores = await ok(as.moderator.GET('/api/v1/rounds/{id}/scores', { params: { path } }));
    const scoreOf = (id: string) => scores.find((score) => score.bidId === id);
    expect(scoreOf(pccBid.id)).toMatchObject({ divergent: true, needsModeration: true });
    expect(scoreOf(councilBid.id)).toMatchObject({ finalScore: '80.00', finalBasis: 'mean' });
    const moderated = await ok(
      as.moderator.POST('/api/v1/bids/{id}/moderation', {
        params: { path: { id: pccBid.id } },
        body: {
          decision: 'set-score',
          score: 76.5,
          reason: 'Panel view: the strong case is offset by untested costs.',
        },
      }),
    );
    expect(moderated).toMatchObject({ finalScore: '76.50', finalBasis: 'moderated' });

    const ranking = await ok(as.moderator.GET('/api/v1/rounds/{id}/ranking', { params: { path } }));
    expect(ranking.complete).toBe(true);
    expect(ranking.items.map((row) => row.bidId)).toEqual([councilBid.id, pccBid.id]);
    const fundingLine = await ok(
      as.approver.GET('/api/v1/rounds/{id}/funding-line', { params: { path } }),
    );
    expect(fundingLine.funded).toHaveLength(2);
  }, 30_000);

  it('is awarded with due diligence and a second approval, and the offers are accepted', async () => {
    for (const name of [PCC, COUNCIL]) {
      await ok(
        as.finance.POST('/api/v1/organisations/{id}/due-diligence', {
          params: { path: { id: cast.orgs[name] } },
          body: {
            rating: 'green',
            checkedOn: new Date().toISOString().slice(0, 10),
            notes: 'Companies House and credit records checked.',
          },
        }),
      );
    }
    // The PCC's bid in full (£300,000, above the £250,000 threshold: a second approver
    // confirms); the council's in part (£200,000).
    const full = await ok(
      as.approver.POST('/api/v1/bids/{id}/decision', {
        params: { path: { id: pccBid.id } },
        body: {
          outcome: 'award',
          lines: (pccBid.costLines ?? []).map(({ financialYear, kind, amountPence }) => ({
            financialYear,
            kind,
            amountPence,
          })),
          conditions: ['Quarterly returns within 30 days of quarter end'],
        },
      }),
    );
    expect(full).toMatchObject({ status: 'pending_second_approval', amountPence: 30_000_000 });
    const part = await ok(
      as.approver.POST('/api/v1/bids/{id}/decision', {
        params: { path: { id: councilBid.id } },
        body: {
          outcome: 'award',
          lines: [
            { financialYear: FY, kind: 'capital', amountPence: 15_000_000 },
            { financialYear: FY, kind: 'revenue', amountPence: 5_000_000 },
          ],
          conditions: ['Works are signed off by the highway authority before payment'],
        },
      }),
    );
    expect(part).toMatchObject({ status: 'offered', amountPence: 20_000_000 });
    const confirmed = await ok(
      as.secondApprover.POST('/api/v1/decisions/{id}/second-approval', {
        params: { path: { id: full.id } },
        body: { confirm: true },
      }),
    );
    expect(confirmed.status).toBe('offered');
    expect(confirmed.secondApproverName).toMatch(/^Client approver /);

    const published = await ok(
      as.admin.POST('/api/v1/rounds/{id}/publish-outcomes', { params: { path: { id: round.id } } }),
    );
    expect(published).toMatchObject({ awarded: 2, unsuccessful: 0 });
    expect(published.round.status).toBe('decided');

    const accept = async (api: Api, bid: Schemas['BidDto'], signatoryName: string) => {
      const outcome = await ok(
        api.GET('/api/v1/bids/{id}/outcome', { params: { path: { id: bid.id } } }),
      );
      expect(outcome.outcome).toBe('awarded');
      const awardId = outcome.awardId ?? '';
      const letter = await ok(
        api.GET('/api/v1/awards/{id}/offer-letter', {
          params: { path: { id: awardId } },
          parseAs: 'text',
        }),
      );
      expect(letter).toContain(bid.reference);
      return ok(
        api.POST('/api/v1/awards/{id}/accept', {
          params: { path: { id: awardId } },
          body: { signatoryName, signatoryPosition: 'Authorised signatory' },
        }),
      );
    };
    pccAward = await accept(as.pcc, pccBid, 'Kim McGuinness');
    councilAward = await accept(as.council, councilBid, 'Pat Ritchie');
    expect(pccAward.status).toBe('active');
    expect(councilAward.status).toBe('active');
    expect(pccAward.returns.map((row) => `${row.financialYear} Q${row.quarter}`)).toEqual([
      `${FY} Q1`,
      `${FY} Q2`,
      `${FY} Q3`,
      `${FY} Q4`,
    ]);
  }, 30_000);

  it('takes the PCC’s four quarterly returns, approved and paid by finance', async () => {
    const [intervention] = pccBid.interventions ?? [];
    for (const scheduled of pccAward.returns) {
      const at = { path: { id: scheduled.id } };
      const read = await ok(as.pcc.GET('/api/v1/returns/{id}', { params: at }));
      const body = quarterReport(intervention.id, scheduled.quarter);
      const saved = await ok(
        as.pcc.PATCH('/api/v1/returns/{id}', {
          params: { ...at, header: { 'If-Match': `"${read.version}"` } },
          body,
        }),
      );
      expect(saved.problems).toEqual([]);
      expect(saved.variance).toMatchObject({ profilePence: 7_500_000, needsExplanation: false });
      const sent = await ok(
        as.pcc.POST('/api/v1/returns/{id}/submit', {
          params: { ...at, header: { 'If-Match': `"${saved.version}"` } },
        }),
      );
      expect(sent.status).toBe('submitted');

      const approved = await ok(
        as.finance.POST('/api/v1/returns/{id}/approve', {
          params: at,
          body: { submission: 1, comment: 'Invoices checked.' },
        }),
      );
      expect(approved.status).toBe('approved');
      const payment = approved.payment;
      expect(payment).toMatchObject({ amountPence: 7_500_000, status: 'to_make' });
      const paid = await ok(
        as.payer.POST('/api/v1/payments/{id}/record', {
          params: { path: { id: payment?.id ?? '' } },
          body: {
            paidOn: new Date().toISOString().slice(0, 10),
            reference: `BACS-Q${scheduled.quarter}`,
          },
        }),
      );
      expect(paid.status).toBe('made');
    }
    const position = await ok(
      as.pcc.GET('/api/v1/awards/{id}/position', { params: { path: { id: pccAward.id } } }),
    );
    expect(position.total).toMatchObject({
      awardedPence: 30_000_000,
      claimedPence: 30_000_000,
      approvedPence: 30_000_000,
      paidPence: 30_000_000,
    });
  }, 30_000);

  it('exports the spend summary as CSV, built by the worker and downloaded', async () => {
    const summary = await ok(
      as.finance.GET('/api/v1/rounds/{id}/spend-summary', {
        params: { path: { id: round.id }, query: { limit: 10, asAt: new Date().toISOString() } },
      }),
    );
    expect(summary.totals.round).toMatchObject({
      awards: 2,
      awardedPence: 50_000_000,
      approvedPence: 30_000_000,
      paidPence: 30_000_000,
    });

    const asked = await ok(
      as.finance.POST('/api/v1/rounds/{id}/exports', {
        params: { path: { id: round.id } },
        body: { format: 'csv', asAt: new Date().toISOString() },
      }),
    );
    expect(asked).toMatchObject({ status: 'queued', format: 'csv' });
    const done = await eventually(async () => {
      const read = await ok(
        as.finance.GET('/api/v1/exports/{id}', { params: { path: { id: asked.id } } }),
      );
      if (read.status === 'failed') {
        throw new Error(`The export failed: ${read.error ?? ''}`);
      }
      expect(read.status).toBe('done');
      return read;
    });
    const { data: csv, response } = await as.finance.GET('/api/v1/exports/{id}/download', {
      params: { path: { id: done.id } },
      parseAs: 'text',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain(`spend-summary-${round.code}-`);
    // The text read drops the file's byte-order mark (3 bytes in UTF-8).
    expect(Buffer.byteLength(csv ?? '') + 3).toBe(done.sizeBytes);
    const [header, ...rows] = csvValues(csv ?? '');
    const total = rows.find((cells) => cells[1] === 'total: round');
    const cell = (column: string) => total?.[header.indexOf(column)];
    expect([cell('Awarded (£)'), cell('Approved (£)'), cell('Paid (£)')]).toEqual([
      '500000.00',
      '300000.00',
      '300000.00',
    ]);
  }, 60_000);
});
