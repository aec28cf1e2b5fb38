import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import type { BidDto } from '../src/bids/bid-response.dto';
import type { DocumentDto } from '../src/documents/documents.dto';
import { FileStore } from '../src/files/file-store';
import { expectProblem, type TestApp } from './support/app';
import { type BiddingWorld, openRound, startBidding, validBid } from './support/bids';
import { startClamd, type TestClamd } from './support/clamd';
import { eventually } from './support/smtp';
import { PDF, waitForScan } from './support/documents';
import { dropMidUpload, startUpload, type UploadTarget } from './support/raw-upload';

jest.setTimeout(180_000);

// Above the 64 KiB sample a file's type is read from, so a cut-off happens while storing.
const MAX_BYTES = 262_144;
const MAX_PER_BID = 3;

// A PDF of about `size` bytes: a real header, then padding inside a comment.
function pdfOfSize(size: number): Buffer {
  return Buffer.concat([PDF, Buffer.alloc(Math.max(0, size - PDF.length), 0x20)]);
}

// A minimal ELF header (a Linux executable), and a Windows one.
const ELF = Buffer.concat([
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]),
  Buffer.alloc(120, 0),
]);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62, 0), Buffer.from('PE\0\0')]);
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('Supporting documents: bad input leaves nothing behind', () => {
  let clamd: TestClamd;
  let world: BiddingWorld;
  let t: TestApp;
  let files: FileStore;
  let dataSource: DataSource;

  beforeAll(async () => {
    clamd = await startClamd();
    process.env.CLAMD_PORT = String(clamd.port);
    process.env.DOCUMENT_MAX_BYTES = String(MAX_BYTES);
    process.env.DOCUMENT_MAX_PER_BID = String(MAX_PER_BID);
    world = await startBidding();
    t = world.t;
    files = t.app.get(FileStore);
    dataSource = t.app.get(DataSource);
    // Listening on a port of its own, for requests written by hand.
    await t.app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await world?.close();
    await clamd?.stop();
    delete process.env.CLAMD_PORT;
    delete process.env.DOCUMENT_MAX_BYTES;
    delete process.env.DOCUMENT_MAX_PER_BID;
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

  // What exists of documents: rows, stored files and half-written part files.
  async function leftBehind(): Promise<{ rows: number; stored: string[]; parts: string[] }> {
    const [{ count }] = await dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM supporting_documents`,
    );
    const stored: string[] = [];
    for await (const file of files.list('documents/')) {
      stored.push(file.key);
    }
    let parts: string[] = [];
    try {
      parts = readdirSync(join(t.config.files.dir, 'documents')).filter((n) => n.startsWith('.'));
    } catch {
      // No documents folder yet: nothing written.
    }
    return { rows: count, stored: stored.sort(), parts };
  }

  // Runs `attempt`, then checks the database and the store hold what they held before.
  async function refusedWithNothingLeft(
    attempt: () => Promise<{ status: number; body: unknown }>,
    status: number,
    code: string,
  ): Promise<void> {
    const before = await leftBehind();
    const response = await attempt();
    expect(response.status).toBe(status);
    expectProblem(response.body, status, code);
    expect((response.body as { detail: string }).detail.length).toBeGreaterThan(20);
    expect(await leftBehind()).toEqual(before);
  }

  const upload = (bidId: string, body: Buffer, filename: string, contentType?: string) =>
    t
      .http()
      .post(`/api/v1/bids/${bidId}/documents`)
      .set(world.council.headers)
      .attach('file', body, contentType ? { filename, contentType } : { filename });

  it('refuses a file over DOCUMENT_MAX_BYTES, streamed or announced, naming the limit', async () => {
    const bid = await draftBid();
    // Read up to the limit, then cut off.
    await refusedWithNothingLeft(
      () => upload(bid.id, pdfOfSize(MAX_BYTES + 1), 'big.pdf', 'application/pdf'),
      413,
      'document-too-large',
    );
    // Content-Length says it is far too big: refused before reading.
    await refusedWithNothingLeft(
      () => upload(bid.id, pdfOfSize(MAX_BYTES * 4), 'huge.pdf', 'application/pdf'),
      413,
      'document-too-large',
    );
    const refused = await upload(bid.id, pdfOfSize(MAX_BYTES + 1), 'big.pdf').expect(413);
    expect(refused.body.detail).toContain(`${MAX_BYTES} bytes`);
    // Chunked, with no Content-Length to judge by: cut off while streaming.
    await refusedWithNothingLeft(
      () => startUpload(target(bid.id), pdfOfSize(MAX_BYTES * 3), { chunked: true })(),
      413,
      'document-too-large',
    );
    // Exactly the limit is fine.
    await upload(bid.id, pdfOfSize(MAX_BYTES), 'limit.pdf', 'application/pdf').expect(201);
  });

  it('refuses a body that is shorter than its Content-Length says, and keeps answering', async () => {
    const bid = await draftBid();
    // The client claims fewer bytes than it sends: the multipart body ends inside the file.
    await refusedWithNothingLeft(
      () => startUpload(target(bid.id), pdfOfSize(200_000), { claimedLength: 120_000 })(),
      400,
      'document-upload-interrupted',
    );
    await t.http().get(`/api/v1/bids/${bid.id}/documents`).set(world.council.headers).expect(200);
  });

  it('refuses more files than a bid may carry, even when they race for the last place', async () => {
    const bid = await draftBid();
    for (let i = 1; i < MAX_PER_BID; i++) {
      await upload(bid.id, PDF, `letter-${i}.pdf`, 'application/pdf').expect(201);
    }
    const before = await leftBehind();
    // Four uploads all past the first check and storing their bytes before any is recorded.
    const started = [1, 2, 3, 4].map((i) =>
      startUpload(target(bid.id), pdfOfSize(100_000), {
        filename: `racer-${i}.pdf`,
        firstBytes: 90_000,
      }),
    );
    await eventually(async () => expect((await leftBehind()).parts).toHaveLength(4));
    const racing = await Promise.all(started.map((finish) => finish()));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    for (const refused of racing.filter((r) => r.status === 409)) {
      expectProblem(refused.body, 409, 'document-limit-reached');
      expect(refused.body.detail).toContain(`(${MAX_PER_BID})`);
    }
    const after = await leftBehind();
    expect(after.rows).toBe(before.rows + 1);
    expect(after.stored.length).toBe(before.stored.length + 1);
    expect(after.parts).toEqual([]);
    const list = await t
      .http()
      .get(`/api/v1/bids/${bid.id}/documents`)
      .set(world.council.headers)
      .expect(200);
    expect(list.body.items).toHaveLength(MAX_PER_BID);
    await refusedWithNothingLeft(
      () => upload(bid.id, PDF, 'one-more.pdf', 'application/pdf'),
      409,
      'document-limit-reached',
    );
  });

  it('refuses files whose bytes are not an accepted kind or do not match their name', async () => {
    const bid = await draftBid();
    const cases: [Buffer, string, string | undefined, string][] = [
      [ELF, 'report.pdf', 'application/pdf', 'document-type-not-allowed'],
      [EXE, 'budget.pdf', undefined, 'document-type-not-allowed'],
      [HTML, 'letter.pdf', 'application/pdf', 'document-type-not-allowed'],
      [HTML, 'page.html', 'text/html', 'document-type-not-allowed'],
      [PNG, 'map.pdf', 'application/pdf', 'document-type-mismatch'],
      [PDF, 'map.png', 'image/png', 'document-type-mismatch'],
      [PDF, 'letter.pdf', 'image/png', 'document-type-mismatch'],
      [ELF, 'spend.csv', 'text/csv', 'document-type-not-allowed'],
    ];
    for (const [bytes, name, type, code] of cases) {
      await refusedWithNothingLeft(() => upload(bid.id, bytes, name, type), 415, code);
    }
    const refused = await upload(bid.id, PNG, 'map.pdf', 'application/pdf').expect(415);
    expect(refused.body.detail).toContain('image/png');
    expect(refused.body.detail).toContain('.pdf');
  });

  it('refuses an empty file, a JSON body and a multipart body without a file', async () => {
    const bid = await draftBid();
    const path = `/api/v1/bids/${bid.id}/documents`;
    await refusedWithNothingLeft(
      () => upload(bid.id, Buffer.alloc(0), 'empty.pdf', 'application/pdf'),
      400,
      'document-empty',
    );
    await refusedWithNothingLeft(
      () =>
        t
          .http()
          .post(path)
          .set(world.council.headers)
          .send({ file: PDF.toString('base64'), fileName: 'letter.pdf' }),
      415,
      'document-not-multipart',
    );
    await refusedWithNothingLeft(
      () => t.http().post(path).set(world.council.headers).field('note', 'no file here'),
      400,
      'document-no-file',
    );
    await refusedWithNothingLeft(
      () =>
        t
          .http()
          .post(path)
          .set(world.council.headers)
          .set('content-type', 'multipart/form-data')
          .send('garbage without a boundary'),
      400,
      'document-no-file',
    );
  });

  it('refuses two files in one request, storing neither', async () => {
    const bid = await draftBid();
    const path = `/api/v1/bids/${bid.id}/documents`;
    for (const second of ['file', 'other']) {
      await refusedWithNothingLeft(
        () =>
          t
            .http()
            .post(path)
            .set(world.council.headers)
            .attach('file', PDF, { filename: 'first.pdf', contentType: 'application/pdf' })
            .attach(second, PDF, { filename: 'second.pdf', contentType: 'application/pdf' }),
        400,
        'document-several-files',
      );
    }
    const refused = await t
      .http()
      .post(path)
      .set(world.council.headers)
      .attach('file', PDF, { filename: 'first.pdf', contentType: 'application/pdf' })
      .attach('file', PDF, { filename: 'second.pdf', contentType: 'application/pdf' })
      .expect(400);
    expect(refused.body.detail).toContain('one file per request');
    // A field beside the one file is no second file.
    await t
      .http()
      .post(path)
      .set(world.council.headers)
      .attach('file', PDF, { filename: 'only.pdf', contentType: 'application/pdf' })
      .field('note', 'after the file')
      .expect(201);
  });

  it('refuses documents for a bid that is submitted', async () => {
    const bid = await draftBid();
    await upload(bid.id, PDF, 'kept.pdf', 'application/pdf').expect(201);
    const [kept] = (
      await t.http().get(`/api/v1/bids/${bid.id}/documents`).set(world.council.headers)
    ).body.items as DocumentDto[];
    await waitForScan(t, world.council.headers, `/api/v1/bids/${bid.id}/documents/${kept.id}`);
    await t.http().post(`/api/v1/bids/${bid.id}/submit`).set(world.council.headers).expect(200);
    await refusedWithNothingLeft(
      () => upload(bid.id, PDF, 'late.pdf', 'application/pdf'),
      409,
      'document-owner-frozen',
    );
    const refused = await t
      .http()
      .delete(`/api/v1/bids/${bid.id}/documents/${kept.id}`)
      .set(world.council.headers)
      .expect(409);
    expectProblem(refused.body, 409, 'document-owner-frozen');
    expect(refused.body.detail).toContain(bid.reference);
  });

  it('stores a file named with folders and control characters under its own key, shown cleaned', async () => {
    const bid = await draftBid();
    const created = await upload(
      bid.id,
      PDF,
      '..\\..\\Windows\\System32\\Bud\tget\u202e\u0000 2025.pdf',
      'application/pdf',
    ).expect(201);
    const document = created.body as DocumentDto;
    expect(document.fileName).toBe('Budget 2025.pdf');
    const { stored } = await leftBehind();
    expect(stored).toContain(`documents/${document.id}`);
    expect(stored.filter((key) => /budget|windows|\.\./i.test(key))).toEqual([]);
    const path = `/api/v1/bids/${bid.id}/documents/${document.id}`;
    expect((await waitForScan(t, world.council.headers, path)).scanStatus).toBe('clean');
    const content = await t.http().get(`${path}/content`).set(world.council.headers).expect(200);
    expect(content.headers['content-disposition']).toBe(
      `attachment; filename="Budget 2025.pdf"; filename*=UTF-8''Budget%202025.pdf`,
    );
  });

  it('leaves nothing behind when the client drops the connection mid-upload, and keeps answering', async () => {
    const bid = await draftBid();
    const before = await leftBehind();
    for (let i = 0; i < 3; i++) {
      await dropMidUpload(
        target(bid.id),
        pdfOfSize(MAX_BYTES - 1000),
        150_000,
        async () => (await leftBehind()).parts.length > 0,
      );
    }
    // The server notices, takes the part files away and records nothing.
    await eventually(async () => expect(await leftBehind()).toEqual(before));
    const list = await t
      .http()
      .get(`/api/v1/bids/${bid.id}/documents`)
      .set(world.council.headers)
      .expect(200);
    expect(list.body.items).toEqual([]);
    await upload(bid.id, PDF, 'after.pdf', 'application/pdf').expect(201);
  });

  function target(bidId: string): UploadTarget {
    const server = t.app.getHttpServer() as { address: () => AddressInfo | null };
    const found = server.address();
    if (!found) {
      throw new Error('The test app is not listening');
    }
    return {
      port: found.port,
      path: `/api/v1/bids/${bidId}/documents`,
      headers: { ...world.council.headers },
    };
  }
});
