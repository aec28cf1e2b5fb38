import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BidDto } from '../src/bids/bid-response.dto';
import type { Role } from '../src/common/access';
import { expectProblem, startApp, TestApp, tokensByRole } from './support/app';
import { Bidder, bidderOf, openRound, organisationIds, validBid } from './support/bids';
import { validRound } from './support/factories';

// Text no person types: control characters (a bell, backspaces, an escape sequence) and lists of
// a round's words that are blank or repeated. Each is refused with 400 or 422 naming the field,
// and nothing is stored.
describe('text a person could not have typed is refused and changes nothing', () => {
  let t: TestApp;
  let tokens: Record<Role, string>;
  let council: Bidder;
  let bid: BidDto;
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
  const fields = (body: { errors?: { field: string }[] }) => [
    ...new Set((body.errors ?? []).map((error) => error.field)),
  ];

  beforeAll(async () => {
    t = await startApp({ processRole: 'api' });
    await t.app.listen(0, '127.0.0.1');
    tokens = await tokensByRole(t);
    const orgs = await organisationIds(t, as('admin'));
    council = await bidderOf(t, as('admin'), orgs['Bristol City Council']);
    const round = await openRound(t, as('admin'));
    bid = (
      await t.http().post('/api/v1/bids').set(council.headers).send(validBid(round)).expect(201)
    ).body;
  });
  afterAll(() => t.close());

  const current = async (): Promise<BidDto> =>
    (await t.http().get(`/api/v1/bids/${bid.id}`).set(council.headers).expect(200)).body;
  const edit = (body: object) =>
    t
      .http()
      .patch(`/api/v1/bids/${bid.id}`)
      .set(council.headers)
      .set('if-match', `"${bid.version}"`)
      .send(body);

  it('refuses control characters in text, at the top of a body or nested, naming the field', async () => {
    for (const [body, field] of [
      [{ title: '\u0007\u0007\u0007' }, 'title'],
      [{ summary: 'Backspaced\u0008\u0008\u0008' }, 'summary'],
      [{ title: '\u001b[31mRed title' }, 'title'],
      [{ title: 'Delete\u007f' }, 'title'],
      [{ title: 'C1 control\u0085' }, 'title'],
      [
        { risks: [{ description: 'Late\u000bdelivery', mitigation: 'Order early' }] },
        'risks.0.description',
      ],
    ] as const) {
      const refused = await edit(body).expect(400);
      expectProblem(refused.body, 400, 'validation-failed');
      expect(fields(refused.body)).toEqual([field]);
      expect(refused.body.errors[0].message).toMatch(/control character/);
    }
    expect(await current()).toEqual(bid);
  });

  it('still takes tabs and line breaks in text, and refuses control characters in a query', async () => {
    const saved = await edit({ summary: 'Line one\r\nLine two\n\tindented' }).expect(200);
    expect(saved.body.summary).toBe('Line one\r\nLine two\n\tindented');
    bid = saved.body;
    const query = await t
      .http()
      .get('/api/v1/bids')
      .query({ q: 'a\u0007b' })
      .set(council.headers)
      .expect(400);
    expectProblem(query.body, 400, 'validation-failed');
    expect(fields(query.body)).toEqual(['q']);
  });

  it('refuses a title of only invisible characters, and text that reorders how it is shown', async () => {
    // Zero-width spaces and joiners are no title: trimmed like spaces, the title is blank.
    const blank = await edit({ title: '\u200b\u200c\u2060\u200b' }).expect(400);
    expectProblem(blank.body, 400, 'validation-failed');
    expect(fields(blank.body)).toEqual(['title']);
    // Bidirectional overrides and isolates make a list show text other than what is stored
    // ("Trojan Source"): refused wherever they are.
    for (const [body, field] of [
      [{ title: 'Safer streets \u202egnitnuoc' }, 'title'],
      [{ summary: 'Summary \u2066hidden\u2069' }, 'summary'],
    ] as const) {
      const refused = await edit(body).expect(400);
      expectProblem(refused.body, 400, 'validation-failed');
      expect(fields(refused.body)).toEqual([field]);
      expect(refused.body.errors[0].message).toMatch(/direction/);
    }
    expect(await current()).toEqual(bid);
    // Text in a right-to-left script, with the ordinary marks, is taken as it is.
    const saved = await edit({ summary: 'مشروع الشوارع الآمنة \u200f(2026)' }).expect(200);
    expect(saved.body.summary).toBe('مشروع الشوارع الآمنة \u200f(2026)');
    bid = saved.body;
  });

  // A PATCH of the bid written by hand: with `chunked`, no Content-Length is sent.
  const rawEdit = (body: Buffer, chunked: boolean) =>
    new Promise<{ status: number; body: { code?: string; detail?: string } }>((resolve, reject) => {
      const { port } = (t.app.getHttpServer() as { address: () => AddressInfo }).address();
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'PATCH',
          path: `/api/v1/bids/${bid.id}`,
          headers: {
            ...council.headers,
            'content-type': 'application/json',
            'if-match': `"${bid.version}"`,
            ...(chunked ? {} : { 'content-length': String(body.length) }),
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });

  it('refuses a body that is not UTF-8, saying so, and stores no replacement characters', async () => {
    // "Café" as Latin-1 writes it: é is the one byte E9, which UTF-8 never has alone.
    const latin1 = Buffer.from('{"summary":"Caf\u00e9 in Latin-1"}', 'latin1');
    for (const chunked of [false, true]) {
      const refused = await rawEdit(latin1, chunked);
      expect(refused.status).toBe(400);
      expectProblem(refused.body, 400, 'malformed-json');
      expect(refused.body.detail).toMatch(/UTF-8/);
    }
    expect(await current()).toEqual(bid);
    // A UTF-8 body, with or without its byte order mark, is read as ever.
    const bom = Buffer.from('\ufeff{"summary":"Caf\u00e9 in UTF-8"}', 'utf8');
    const saved = await rawEdit(bom, true);
    expect(saved.status).toBe(200);
    expect((saved.body as BidDto).summary).toBe('Caf\u00e9 in UTF-8');
    bid = saved.body as BidDto;
  });

  it('refuses a field given twice in one object, however its name is written', async () => {
    for (const [text, field] of [
      ['{"summary":"first","summary":"second"}', 'summary'],
      ['{"title":"Shown to a proxy","\\u0074itle":"Stored"}', 'title'],
      ['{"risks":[{"description":"a","mitigation":"m","description":"b"}]}', 'risks.0.description'],
    ]) {
      const refused = await t
        .http()
        .patch(`/api/v1/bids/${bid.id}`)
        .set(council.headers)
        .set('if-match', `"${bid.version}"`)
        .set('content-type', 'application/json')
        .send(text)
        .expect(400);
      expectProblem(refused.body, 400, 'validation-failed');
      expect(fields(refused.body)).toEqual([field]);
      expect(refused.body.errors[0].message).toMatch(/more than once/);
    }
    expect(await current()).toEqual(bid);
  });

  it('refuses a round whose crime focus or intervention types are blank or repeated', async () => {
    const rounds = async (): Promise<number> =>
      (await t.http().get('/api/v1/rounds').set(as('admin')).expect(200)).body.total as number;
    const before = await rounds();
    const create = (settings: Parameters<typeof validRound>[0]) =>
      t.http().post('/api/v1/rounds').set(as('admin')).send(validRound(settings));

    const blankFocus = await create({ crimeFocus: ['burglary', '   '] });
    expect(blankFocus.status).toBe(400);
    expectProblem(blankFocus.body, 400, 'validation-failed');
    expect(fields(blankFocus.body)).toEqual(['crimeFocus']);

    const twice = await create({ crimeFocus: ['burglary', ' Burglary '] });
    expect(twice.status).toBe(422);
    expectProblem(twice.body, 422, 'round-settings-inconsistent');
    expect(fields(twice.body)).toEqual(['crimeFocus.1']);
    expect(twice.body.errors[0].message).toMatch(/more than once/);

    const blankType = await create({
      interventionTaxonomy: [{ category: 'Situational', types: ['CCTV', ' '] }],
    });
    expect(blankType.status).toBe(400);
    expectProblem(blankType.body, 400, 'validation-failed');
    expect(fields(blankType.body)).toEqual(['interventionTaxonomy.0.types']);

    expect(await rounds()).toBe(before);

    // Words with surrounding spaces are kept without them.
    const spaced = await create({
      crimeFocus: ['  burglary '],
      interventionTaxonomy: [{ category: 'Situational', types: [' CCTV  '] }],
    }).expect(201);
    expect(spaced.body.crimeFocus).toEqual(['burglary']);
    expect(spaced.body.interventionTaxonomy[0].types).toEqual(['CCTV']);
  });
});
