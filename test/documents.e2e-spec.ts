import { createHash } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { BidDto } from '../src/bids/bid-response.dto';
import type { DocumentDto } from '../src/documents/documents.dto';
import { expectProblem, type TestApp } from './support/app';
import {
  type Bidder,
  bidderOf,
  type BiddingWorld,
  openRound,
  organisationIds,
  startBidding,
  validBid,
} from './support/bids';
import { EICAR, startClamd, type TestClamd } from './support/clamd';
import { PDF, waitForScan } from './support/documents';
import { eventually } from './support/smtp';

jest.setTimeout(120_000);

describe('Supporting documents of bids', () => {
  let clamd: TestClamd;
  let world: BiddingWorld;
  let t: TestApp;
  let colleague: Bidder;
  let scans: Queue;

  beforeAll(async () => {
    clamd = await startClamd();
    process.env.CLAMD_PORT = String(clamd.port);
    world = await startBidding();
    t = world.t;
    const orgs = await organisationIds(t, world.as('admin'));
    colleague = await bidderOf(t, world.as('admin'), orgs['Newcastle upon Tyne City Council']);
    scans = t.app.get<Queue>(getQueueToken('documents'));
  });

  afterAll(async () => {
    await world?.close();
    await clamd?.stop();
    delete process.env.CLAMD_PORT;
  });

  async function draftBid(): Promise<BidDto> {
    const round = await openRound(t, world.as('admin'));
    const created = await t
      .http()
      .post('/api/v1/bids')
      .set(world.council.headers)
      .send(validBid(round))
      .expect(201);
    return created.body as BidDto;
  }

  it('keeps a file unseen by others until clamd finds it clean, then serves the same bytes', async () => {
    const { council, otherCouncil, as } = world;
    const bid = await draftBid();
    const base = `/api/v1/bids/${bid.id}/documents`;
    await scans.pause();
    let uploaded;
    try {
      uploaded = await t
        .http()
        .post(base)
        .set(council.headers)
        .attach('file', PDF, {
          filename: '../../etc/Letter\u0007 of support.pdf',
          contentType: 'application/pdf',
        })
        .expect(201);
      const document = uploaded.body as DocumentDto;
      expect(document).toMatchObject({
        fileName: 'Letter of support.pdf',
        mediaType: 'application/pdf',
        sizeBytes: PDF.length,
        sha256: createHash('sha256').update(PDF).digest('hex'),
        scanStatus: 'pending',
      });
      expect(uploaded.headers.location).toBe(`${base}/${document.id}`);
      // Until scanned: the uploader sees it, a colleague does not, and nobody downloads it.
      const mine = await t.http().get(base).set(council.headers).expect(200);
      expect(mine.body.items.map((d: DocumentDto) => d.id)).toEqual([document.id]);
      const theirs = await t.http().get(base).set(colleague.headers).expect(200);
      expect(theirs.body.items).toEqual([]);
      const hidden = await t
        .http()
        .get(`${base}/${document.id}`)
        .set(colleague.headers)
        .expect(404);
      expectProblem(hidden.body, 404, 'not-found');
      const early = await t
        .http()
        .get(`${base}/${document.id}/content`)
        .set(council.headers)
        .expect(409);
      expectProblem(early.body, 409, 'document-not-scanned');
    } finally {
      await scans.resume();
    }
    const id = (uploaded.body as DocumentDto).id;
    const scanned = await waitForScan(t, council.headers, `${base}/${id}`);
    expect(scanned.scanStatus).toBe('clean');
    const seen = await t.http().get(base).set(colleague.headers).expect(200);
    expect(seen.body.items.map((d: DocumentDto) => d.id)).toEqual([id]);
    const content = await t
      .http()
      .get(`${base}/${id}/content`)
      .set(colleague.headers)
      .buffer(true)
      .parse((res, done) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () => done(null, Buffer.concat(parts)));
      })
      .expect(200);
    expect(Buffer.compare(content.body as Buffer, PDF)).toBe(0);
    expect(
      createHash('sha256')
        .update(content.body as Buffer)
        .digest('hex'),
    ).toBe(scanned.sha256);
    expect(content.headers['content-type']).toBe('application/pdf');
    expect(content.headers['x-content-type-options']).toBe('nosniff');
    expect(content.headers['content-disposition']).toBe(
      `attachment; filename="Letter of support.pdf"; filename*=UTF-8''Letter%20of%20support.pdf`,
    );
    const audit = await t
      .http()
      .get(`/api/v1/audit-events?objectType=supporting_document&objectId=${id}`)
      .set(as('admin'))
      .expect(200);
    expect(audit.body.items.map((e: { command: string }) => e.command)).toEqual([
      'document.upload',
      'document.scanned',
      'document.download',
    ]);

    // Another organisation: 404 on everything, as for the bid itself.
    for (const request of [
      t.http().get(base),
      t.http().get(`${base}/${id}`),
      t.http().get(`${base}/${id}/content`),
      t.http().delete(`${base}/${id}`),
    ]) {
      const refused = await request.set(otherCouncil.headers).expect(404);
      expectProblem(refused.body, 404, 'not-found');
    }
    // Staff do not see a draft bid, nor its documents.
    await t.http().get(base).set(as('finance')).expect(404);
  });

  it('marks an EICAR upload infected, deletes its bytes and holds the submission back until it is removed', async () => {
    const { council, as } = world;
    const bid = await draftBid();
    const base = `/api/v1/bids/${bid.id}/documents`;
    const clean = await t
      .http()
      .post(base)
      .set(council.headers)
      .attach('file', PDF, { filename: 'map.pdf', contentType: 'application/pdf' })
      .expect(201);
    const infected = await t
      .http()
      .post(base)
      .set(council.headers)
      .attach('file', Buffer.from(EICAR), { filename: 'budget.csv', contentType: 'text/csv' })
      .expect(201);
    const infectedId = (infected.body as DocumentDto).id;
    const verdict = await waitForScan(t, council.headers, `${base}/${infectedId}`);
    expect(verdict).toMatchObject({
      scanStatus: 'infected',
      signature: expect.stringContaining('Eicar-Test-Signature'),
    });
    expect(await waitForScan(t, council.headers, `${base}/${clean.body.id}`)).toMatchObject({
      scanStatus: 'clean',
    });
    // Reported: the uploader is emailed (through the outbox, to a real SMTP server) and the
    // verdict is audited.
    const mail = await eventually(() => {
      const found = world.smtp
        .to(council.email)
        .find(
          (m) =>
            m.subject ===
            `A file you uploaded to bid ${bid.reference} contained a virus and was deleted`,
        );
      expect(found).toBeDefined();
      return found!;
    });
    expect(mail.text).toContain('"budget.csv"');
    expect(mail.text).toContain('Eicar-Test-Signature');
    expect(mail.text).toContain(`/bids/${bid.id}`);
    const infectedAudit = await t
      .http()
      .get(`/api/v1/audit-events?objectType=supporting_document&objectId=${infectedId}`)
      .set(as('admin'))
      .expect(200);
    expect(infectedAudit.body.items.map((e: { command: string }) => e.command)).toEqual([
      'document.upload',
      'document.infected',
    ]);
    const refused = await t
      .http()
      .get(`${base}/${infectedId}/content`)
      .set(council.headers)
      .expect(409);
    expectProblem(refused.body, 409, 'document-infected');
    const colleagueList = await t.http().get(base).set(colleague.headers).expect(200);
    expect(colleagueList.body.items.map((d: DocumentDto) => d.id)).toEqual([clean.body.id]);

    // An infected file never counts as attached; one still waiting for its scan holds the
    // submission back, listed.
    await scans.pause();
    try {
      const waiting = await t
        .http()
        .post(base)
        .set(council.headers)
        .attach('file', PDF, { filename: 'waiting.pdf', contentType: 'application/pdf' })
        .expect(201);
      const held = await t
        .http()
        .post(`/api/v1/bids/${bid.id}/submit`)
        .set(council.headers)
        .expect(409);
      expectProblem(held.body, 409, 'bid-documents-not-ready');
      expect(held.body.errors).toEqual([
        {
          field: `documents.${waiting.body.id}`,
          message: 'waiting.pdf is waiting for its virus scan',
        },
      ]);
      await t.http().delete(`${base}/${waiting.body.id}`).set(council.headers).expect(204);
    } finally {
      await scans.resume();
    }
    const submitted = await t
      .http()
      .post(`/api/v1/bids/${bid.id}/submit`)
      .set(council.headers)
      .expect(200);
    expect(submitted.body.status).toBe('submitted');

    // Frozen with the bid: nothing added or removed; staff now read the clean file.
    const late = await t
      .http()
      .post(base)
      .set(council.headers)
      .attach('file', PDF, { filename: 'late.pdf', contentType: 'application/pdf' })
      .expect(409);
    expectProblem(late.body, 409, 'document-owner-frozen');
    const undelete = await t
      .http()
      .delete(`${base}/${clean.body.id}`)
      .set(council.headers)
      .expect(409);
    expectProblem(undelete.body, 409, 'document-owner-frozen');
    const staff = await t.http().get(base).set(as('finance')).expect(200);
    expect(staff.body.items.map((d: DocumentDto) => d.id)).toEqual([clean.body.id]);
    await t.http().get(`${base}/${clean.body.id}/content`).set(as('finance')).expect(200);
  });
});
