import { documentUpload } from '@safer-streets-grants/client';
import { type Api, ok, type Schemas } from './client/api-client';
import { type ClientCast, createDeliveredRound, PCC, startClientCast } from './client/client-cast';
import { validBid } from './support/bids';
import { startClamd, type TestClamd } from './support/clamd';
import { eventually } from './support/smtp';

jest.setTimeout(60_000);

// A bidder's portal session, played only through the client package as a portal would: their
// tasks show the draft, a letter of support is attached and virus-scanned, the bid is
// submitted, the award is listed, the offer accepted and a return's evidence uploaded; another
// organisation finds none of the files. Staff steps in between go through the client too.
const BIDDING_SECONDS = 8;
const LETTER = new Blob([
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
]);
const EVIDENCE = new Blob([
  'Invoice,Supplier,Amount (£)\nINV-1041,Northern Lighting Ltd,18250.00\n',
]);

type Document = Schemas['DocumentDto'];

describe('a bidder’s portal session through the client package', () => {
  let clamd: TestClamd;
  let cast: ClientCast;
  let bidder: Api;
  let round: Schemas['RoundDto'];
  let bid: Schemas['BidDto'];
  let letter: Document;
  let award: Schemas['AwardSummaryDto'];
  let evidence: Document;

  beforeAll(async () => {
    clamd = await startClamd();
    // The cast's API and worker read the scanner's address from the environment at start.
    process.env.CLAMD_PORT = String(clamd.port);
    cast = await startClientCast();
    bidder = cast.as.pcc;
  }, 90_000);

  afterAll(async () => {
    await cast?.close();
    await clamd?.stop();
    delete process.env.CLAMD_PORT;
  }, 30_000);

  // A document's record once its scan is over (pending until then).
  const scanned = (api: Api, owner: 'bids' | 'returns', ownerId: string, id: string) =>
    eventually(async () => {
      const path = { id: ownerId, documentId: id };
      const read = await ok(
        owner === 'bids'
          ? api.GET('/api/v1/bids/{id}/documents/{documentId}', { params: { path } })
          : api.GET('/api/v1/returns/{id}/documents/{documentId}', { params: { path } }),
      );
      expect(read.scanStatus).not.toBe('pending');
      return read;
    });

  it('shows the draft among the bidder’s tasks, with its deadline in UK time', async () => {
    const closesAt = new Date(Date.now() + BIDDING_SECONDS * 1000);
    const created = await createDeliveredRound(cast, {
      name: 'Portal session round',
      closesAt: closesAt.toISOString(),
      assessmentsPerBid: 1,
      // Above the bid's £300,000: one approver decides it.
      approvalThresholdPence: 50_000_000,
    });
    round = await ok(
      cast.as.admin.POST('/api/v1/rounds/{id}/publish', { params: { path: { id: created.id } } }),
    );
    bid = await ok(
      bidder.POST('/api/v1/bids', {
        body: validBid(round, {
          title: 'Lit lanes for Byker',
          milestones: [{ title: 'Columns installed', dueOn: '2025-09-30' }],
        }),
      }),
    );
    const tasks = await ok(bidder.GET('/api/v1/me/tasks'));
    const draft = tasks.items.find((task) => task.objectId === bid.id);
    expect(draft).toMatchObject({
      kind: 'bid_draft_closing_soon',
      objectType: 'bid',
      reference: bid.reference,
      deadline: closesAt.toISOString(),
      overdueDays: 0,
    });
    expect(draft?.deadlineLondon).toMatch(/\d{1,2} \w+ 2026|\d{4}/);
  });

  it('attaches a letter of support, scanned clean before anyone else sees it, then submits', async () => {
    const path = { id: bid.id };
    const uploaded = await ok(
      bidder.POST('/api/v1/bids/{id}/documents', {
        params: { path },
        body: documentUpload(LETTER, 'Letter of support.pdf'),
      }),
    );
    expect(uploaded).toMatchObject({ fileName: 'Letter of support.pdf', scanStatus: 'pending' });
    letter = await scanned(bidder, 'bids', bid.id, uploaded.id);
    expect(letter).toMatchObject({ scanStatus: 'clean', mediaType: 'application/pdf' });
    const { data, response } = await bidder.GET(
      '/api/v1/bids/{id}/documents/{documentId}/content',
      {
        params: { path: { id: bid.id, documentId: letter.id } },
        parseAs: 'arrayBuffer',
      },
    );
    expect(response.status).toBe(200);
    expect(Buffer.from(data ?? new ArrayBuffer(0))).toEqual(
      Buffer.from(await LETTER.arrayBuffer()),
    );

    bid = await ok(bidder.POST('/api/v1/bids/{id}/submit', { params: { path } }));
    expect(bid.status).toBe('submitted');
    // Frozen with the bid: no more files.
    const late = await bidder.POST('/api/v1/bids/{id}/documents', {
      params: { path },
      body: documentUpload(LETTER, 'Another letter.pdf'),
    });
    expect([late.response.status, late.error?.code]).toEqual([409, 'document-owner-frozen']);
    const tasks = await ok(bidder.GET('/api/v1/me/tasks'));
    expect(tasks.items.map((task) => task.objectId)).not.toContain(bid.id);
    // The receipt is among the bidder's notifications.
    const notifications = await ok(bidder.GET('/api/v1/me/notifications'));
    expect(notifications.items.map((mail) => mail.objectId)).toContain(bid.id);
  });

  it('lists the award once decided, and the bidder accepts the offer', async () => {
    await new Promise((resolve) =>
      setTimeout(resolve, Date.parse(round.closesAt) - Date.now() + 100),
    );
    const path = { id: round.id };
    await ok(cast.as.admin.POST('/api/v1/rounds/{id}/close', { params: { path } }));
    await ok(
      cast.as.moderator.POST('/api/v1/rounds/{id}/start-assessment', {
        params: { path },
        body: { assessmentDueAt: new Date(Date.now() + 14 * 86_400_000).toISOString() },
      }),
    );
    const [assessor] = cast.assessors;
    await ok(
      cast.as.moderator.POST('/api/v1/rounds/{id}/assignments/auto', {
        params: { path },
        body: { assessorIds: [assessor.id] },
      }),
    );
    const [assignment] = (
      await ok(
        assessor.api.GET('/api/v1/assignments', { params: { query: { roundId: round.id } } }),
      )
    ).items;
    const at = { params: { path: { id: assignment.id } } };
    await ok(
      assessor.api.POST('/api/v1/assignments/{id}/declaration', {
        ...at,
        body: { conflict: false },
      }),
    );
    await ok(
      assessor.api.PUT('/api/v1/assignments/{id}/marks', {
        ...at,
        body: {
          marks: round.criteria.map((criterion) => ({
            criterionId: criterion.id,
            mark: criterion.maxMark,
            justification: 'Clear crime analysis; costs are benchmarked.',
          })),
        },
      }),
    );
    await ok(assessor.api.POST('/api/v1/assignments/{id}/submit', at));
    await ok(
      cast.as.finance.POST('/api/v1/organisations/{id}/due-diligence', {
        params: { path: { id: cast.orgs[PCC] } },
        body: {
          rating: 'green',
          checkedOn: new Date().toISOString().slice(0, 10),
          notes: 'Checked.',
        },
      }),
    );
    await ok(
      cast.as.approver.POST('/api/v1/bids/{id}/decision', {
        params: { path: { id: bid.id } },
        body: {
          outcome: 'award',
          lines: (bid.costLines ?? []).map(({ financialYear, kind, amountPence }) => ({
            financialYear,
            kind,
            amountPence,
          })),
          conditions: ['Quarterly returns within 30 days of quarter end'],
        },
      }),
    );
    await ok(cast.as.admin.POST('/api/v1/rounds/{id}/publish-outcomes', { params: { path } }));

    const offered = await ok(
      bidder.GET('/api/v1/awards', { params: { query: { roundId: round.id } } }),
    );
    expect(offered.items).toHaveLength(1);
    award = offered.items[0];
    expect(award).toMatchObject({
      status: 'offered',
      amountPence: bid.requestedPence,
      nextReturn: null,
    });
    const tasks = await ok(bidder.GET('/api/v1/me/tasks'));
    expect(tasks.items.find((task) => task.objectId === award.id)).toMatchObject({
      kind: 'offer_to_accept',
      reference: award.reference,
      deadline: award.offerExpiresAt,
    });
    await ok(
      bidder.POST('/api/v1/awards/{id}/accept', {
        params: { path: { id: award.id } },
        body: {
          signatoryName: 'Kim McGuinness',
          signatoryPosition: 'Police and Crime Commissioner',
        },
      }),
    );
    const active = await ok(
      bidder.GET('/api/v1/awards', { params: { query: { roundId: round.id } } }),
    );
    award = active.items[0];
    expect(award.status).toBe('active');
    // The delivery year is over: the first quarter's return is the one due now.
    expect(award.nextReturn).toMatchObject({ quarter: 1, financialYear: '2025/26', overdue: true });
  });

  it('uploads evidence of spend to the return, scanned like any document', async () => {
    const returnId = award.nextReturn?.id ?? '';
    const uploaded = await ok(
      bidder.POST('/api/v1/returns/{id}/documents', {
        params: { path: { id: returnId } },
        body: documentUpload(EVIDENCE, 'Invoices Q1.csv'),
      }),
    );
    evidence = await scanned(bidder, 'returns', returnId, uploaded.id);
    expect(evidence).toMatchObject({ scanStatus: 'clean', mediaType: 'text/csv' });
    const listed = await ok(
      bidder.GET('/api/v1/returns/{id}/documents', { params: { path: { id: returnId } } }),
    );
    expect(listed.items.map((document) => document.id)).toEqual([evidence.id]);
    // Finance reviewing the return sees the evidence.
    const forFinance = await ok(
      cast.as.finance.GET('/api/v1/returns/{id}/documents', { params: { path: { id: returnId } } }),
    );
    expect(forFinance.items.map((document) => document.id)).toEqual([evidence.id]);
  });

  it('answers another organisation 404 on every file and every upload', async () => {
    const outsider = cast.as.council;
    const returnId = evidence.ownerId;
    const statuses = [
      await outsider.GET('/api/v1/bids/{id}/documents', { params: { path: { id: bid.id } } }),
      await outsider.GET('/api/v1/bids/{id}/documents/{documentId}', {
        params: { path: { id: bid.id, documentId: letter.id } },
      }),
      await outsider.GET('/api/v1/bids/{id}/documents/{documentId}/content', {
        params: { path: { id: bid.id, documentId: letter.id } },
        parseAs: 'arrayBuffer',
      }),
      await outsider.DELETE('/api/v1/bids/{id}/documents/{documentId}', {
        params: { path: { id: bid.id, documentId: letter.id } },
      }),
      await outsider.GET('/api/v1/returns/{id}/documents', { params: { path: { id: returnId } } }),
      await outsider.GET('/api/v1/returns/{id}/documents/{documentId}', {
        params: { path: { id: returnId, documentId: evidence.id } },
      }),
      await outsider.GET('/api/v1/returns/{id}/documents/{documentId}/content', {
        params: { path: { id: returnId, documentId: evidence.id } },
        parseAs: 'arrayBuffer',
      }),
      await outsider.DELETE('/api/v1/returns/{id}/documents/{documentId}', {
        params: { path: { id: returnId, documentId: evidence.id } },
      }),
      await outsider.POST('/api/v1/returns/{id}/documents', {
        params: { path: { id: returnId } },
        body: documentUpload(EVIDENCE, 'Not ours.csv'),
      }),
    ].map(({ response }) => response.status);
    expect(statuses).toEqual(Array(statuses.length).fill(404));
    // Both files are still there for their owner.
    const still = await ok(
      bidder.GET('/api/v1/bids/{id}/documents', { params: { path: { id: bid.id } } }),
    );
    expect(still.items.map((document) => document.id)).toEqual([letter.id]);
  });
});
