import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import type { DocumentDto } from '../src/documents/documents.dto';
import { FileStore } from '../src/files/file-store';
import { expectProblem, type TestApp } from './support/app';
import { EICAR, startClamd, type TestClamd } from './support/clamd';
import { PDF, waitForScan } from './support/documents';
import { activeAward, quarterReturn, RETURNS_FY, type ReturnsWorld } from './support/returns';
import { eventually } from './support/smtp';

jest.setTimeout(240_000);

describe('Evidence of spend on returns', () => {
  let clamd: TestClamd;
  let setup: ReturnsWorld;
  let t: TestApp;
  let scans: Queue;
  const quarter = (n: number) => setup.returns[n - 1].id;
  const documents = (n: number) => `/api/v1/returns/${quarter(n)}/documents`;
  const bidder = () => setup.world.pcc.headers;

  beforeAll(async () => {
    clamd = await startClamd();
    process.env.CLAMD_PORT = String(clamd.port);
    setup = await activeAward();
    t = setup.world.t;
    scans = t.app.get<Queue>(getQueueToken('documents'));
  });

  afterAll(async () => {
    await setup?.world.close();
    await clamd?.stop();
    delete process.env.CLAMD_PORT;
  });

  const attach = (n: number, body: Buffer, filename: string, contentType: string) =>
    t.http().post(documents(n)).set(bidder()).attach('file', body, { filename, contentType });

  async function save(n: number, body: object): Promise<void> {
    const current = await t
      .http()
      .get(`/api/v1/returns/${quarter(n)}`)
      .set(bidder())
      .expect(200);
    await t
      .http()
      .patch(`/api/v1/returns/${quarter(n)}`)
      .set(bidder())
      .set('if-match', `"${current.body.version}"`)
      .send(body)
      .expect(200);
  }

  async function nothingStored(): Promise<{ rows: number; keys: number }> {
    const [{ count }] = await t.app
      .get(DataSource)
      .query<{ count: number }[]>(`SELECT count(*)::int AS count FROM supporting_documents`);
    const keys: string[] = [];
    for await (const file of t.app.get(FileStore).list('documents/')) {
      keys.push(file.key);
    }
    return { rows: count, keys: keys.length };
  }

  it('takes evidence while the return is with the bidder, holds submission until it is scanned, shows it to finance, and freezes it', async () => {
    const { as, otherCouncil } = setup.world;
    await save(1, quarterReturn(setup.interventionId, { capital: 6_000_000, revenue: 1_500_000 }));
    await scans.pause();
    let invoice: DocumentDto;
    try {
      invoice = (await attach(1, PDF, 'Contractor invoice.pdf', 'application/pdf').expect(201))
        .body as DocumentDto;
      expect(invoice.scanStatus).toBe('pending');
      // Finance cannot see evidence nobody has scanned, so the return waits for it.
      const finance = await t.http().get(documents(1)).set(as('finance')).expect(200);
      expect(finance.body.items).toEqual([]);
      const held = await t
        .http()
        .post(`/api/v1/returns/${quarter(1)}/submit`)
        .set(bidder())
        .expect(409);
      expectProblem(held.body, 409, 'return-documents-not-ready');
      expect(held.body.detail).toContain(`Q1 ${RETURNS_FY}`);
      expect(held.body.errors).toEqual([
        {
          field: `documents.${invoice.id}`,
          message: 'Contractor invoice.pdf is waiting for its virus scan',
        },
      ]);
      const still = await t
        .http()
        .get(`/api/v1/returns/${quarter(1)}`)
        .set(bidder())
        .expect(200);
      expect(still.body.status).not.toBe('submitted');
    } finally {
      await scans.resume();
    }
    const path = `${documents(1)}/${invoice.id}`;
    expect((await waitForScan(t, bidder(), path)).scanStatus).toBe('clean');
    const submitted = await t
      .http()
      .post(`/api/v1/returns/${quarter(1)}/submit`)
      .set(bidder())
      .expect(200);
    expect(submitted.body.status).toBe('submitted');

    // Finance reviews the evidence: listed and downloaded, the download audited.
    const listed = await t.http().get(documents(1)).set(as('finance')).expect(200);
    expect(listed.body.items.map((d: DocumentDto) => d.id)).toEqual([invoice.id]);
    const content = await t
      .http()
      .get(`${path}/content`)
      .set(as('finance'))
      .buffer(true)
      .parse((res, done) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () => done(null, Buffer.concat(parts)));
      })
      .expect(200);
    expect(Buffer.compare(content.body as Buffer, PDF)).toBe(0);
    const audit = await t
      .http()
      .get(`/api/v1/audit-events?objectType=supporting_document&objectId=${invoice.id}`)
      .set(as('admin'))
      .expect(200);
    expect(audit.body.items.map((e: { command: string }) => e.command)).toEqual([
      'document.upload',
      'document.scanned',
      'document.download',
    ]);

    // Another organisation: 404 on every route, as for the return itself.
    for (const request of [
      t.http().get(documents(1)),
      t.http().get(path),
      t.http().get(`${path}/content`),
      t.http().delete(path),
      t.http().post(documents(1)).attach('file', PDF, 'x.pdf'),
    ]) {
      const refused = await request.set(otherCouncil.headers).expect(404);
      expectProblem(refused.body, 404, 'not-found');
    }

    // Submitted, then approved: the evidence is frozen, and a refused upload leaves nothing.
    const whileSubmitted = await attach(1, PDF, 'late.pdf', 'application/pdf').expect(409);
    expectProblem(whileSubmitted.body, 409, 'document-owner-frozen');
    await t
      .http()
      .post(`/api/v1/returns/${quarter(1)}/approve`)
      .set(as('finance'))
      .send({})
      .expect(200);
    const before = await nothingStored();
    const late = await attach(1, PDF, 'after-approval.pdf', 'application/pdf').expect(409);
    expectProblem(late.body, 409, 'document-owner-frozen');
    expect(late.body.detail).toContain('approved');
    expect(await nothingStored()).toEqual(before);
    const undelete = await t.http().delete(path).set(bidder()).expect(409);
    expectProblem(undelete.body, 409, 'document-owner-frozen');
    await t.http().get(`${path}/content`).set(as('finance')).expect(200);
  });

  it('reports an infected piece of evidence to its uploader by email, and it never reaches finance', async () => {
    const { as, smtp, pcc } = setup.world;
    const infected = (await attach(2, Buffer.from(EICAR), 'receipts.csv', 'text/csv').expect(201))
      .body as DocumentDto;
    const path = `${documents(2)}/${infected.id}`;
    expect(await waitForScan(t, bidder(), path)).toMatchObject({ scanStatus: 'infected' });
    const subject = `A file you uploaded to the ${RETURNS_FY} Q2 return for ${setup.bid.reference} contained a virus and was deleted`;
    const mail = await eventually(() => {
      const found = smtp.to(pcc.email).filter((m) => m.subject === subject);
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(mail.text).toContain('"receipts.csv"');
    expect(mail.text).toContain('Eicar-Test-Signature');
    expect(mail.text).toContain(`/returns/${quarter(2)}`);
    expect(mail.html).toContain('receipts.csv');
    const outbox = await t
      .http()
      .get(`/api/v1/emails?template=document-infected&limit=100`)
      .set(as('admin'))
      .expect(200);
    expect(
      outbox.body.items.filter(
        (e: { dedupeKey: string }) => e.dedupeKey === `document:${infected.id}:infected`,
      ),
    ).toHaveLength(1);
    const finance = await t.http().get(documents(2)).set(as('finance')).expect(200);
    expect(finance.body.items).toEqual([]);
    // An infected file is not attached: the return is not held back by it.
    const attached = await t.http().get(documents(2)).set(bidder()).expect(200);
    expect(attached.body.items.map((d: DocumentDto) => d.scanStatus)).toEqual(['infected']);
    await save(2, quarterReturn(setup.interventionId, { capital: 6_000_000, revenue: 1_500_000 }));
    const submitted = await t
      .http()
      .post(`/api/v1/returns/${quarter(2)}/submit`)
      .set(bidder())
      .expect(200);
    expect(submitted.body.status).toBe('submitted');
  });
});
