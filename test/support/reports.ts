import { londonDateOf } from '../../src/common/london-time';
import { activeAward, type ReturnsWorld } from './returns';
import { createAccount } from './accounts';
import { login, type TestApp, tokensByRole } from './app';
import { validStaffUser } from './factories';
import { eventually } from './smtp';

type Headers = { authorization: string };

const line = (financialYear: string, kind: 'capital' | 'revenue', amountPence: number) => ({
  financialYear,
  kind,
  amountPence,
});

// An award delivered January to December 2025 (2024/25 Q4, then 2025/26 Q1-Q3) of £100,000
// capital in 2024/25 and £150,000 capital plus £50,000 revenue in 2025/26, its returns played
// into every state: 2024/25 Q4 claimed £90,000, approved and paid (the year closes, releasing
// £10,000); 2025/26 Q1 £50,000 capital and £10,000 revenue approved, paid after `midway`;
// Q2 £40,000 sent (waiting for review) with a forecast of £60,000 capital and £40,000 revenue
// for Q3; Q3 not sent (overdue). `midway` runs after Q1's approval, before its payment.
export async function twoYearRound(
  midway: (setup: ReturnsWorld) => Promise<void> = async () => {},
) {
  const setup = await activeAward({
    opensAt: '2024-12-02T09:00:00.000Z',
    deliveryStartsOn: '2025-01-01',
    deliveryEndsOn: '2025-12-31',
    costLines: [
      line('2024/25', 'capital', 10_000_000),
      line('2025/26', 'capital', 15_000_000),
      line('2025/26', 'revenue', 5_000_000),
    ],
  });
  const { t, as, pcc } = setup.world;
  const api = () => t.http();
  const quarter = (n: number) => setup.returns[n - 1].id;
  const send = async (n: number, body: object) => {
    const read = await api()
      .get(`/api/v1/returns/${quarter(n)}`)
      .set(pcc.headers);
    await api()
      .patch(`/api/v1/returns/${quarter(n)}`)
      .set(pcc.headers)
      .set('if-match', read.headers.etag)
      .send({
        outputs: [{ interventionId: setup.interventionId, achieved: 5 }],
        narrative: 'Lighting columns going in as planned.',
        ...body,
      })
      .expect(200);
    await api()
      .post(`/api/v1/returns/${quarter(n)}/submit`)
      .set(pcc.headers)
      .expect(200);
  };
  const approve = async (n: number) =>
    (
      await api()
        .post(`/api/v1/returns/${quarter(n)}/approve`)
        .set(as('finance'))
        .send({})
        .expect(200)
    ).body.payment.id as string;
  const pay = (paymentId: string, reference: string) =>
    api()
      .post(`/api/v1/payments/${paymentId}/record`)
      .set(setup.payer)
      .send({ paidOn: londonDateOf(new Date()), reference })
      .expect(200);

  await send(1, { spend: [line('2024/25', 'capital', 9_000_000)] });
  await pay(await approve(1), 'BACS-1');
  await send(2, {
    spend: [line('2025/26', 'capital', 5_000_000), line('2025/26', 'revenue', 1_000_000)],
    forecast: [{ ...line('2025/26', 'capital', 5_000_000), quarter: 2 }],
  });
  const q1Payment = await approve(2);
  await midway(setup);
  await pay(q1Payment, 'BACS-2');
  await send(3, {
    spend: [line('2025/26', 'capital', 4_000_000)],
    varianceExplanation: 'Installation moved to the autumn.',
    forecast: [
      { ...line('2025/26', 'capital', 6_000_000), quarter: 3 },
      { ...line('2025/26', 'revenue', 4_000_000), quarter: 3 },
    ],
  });
  return setup;
}

// Asks finance's export of the round in a format (as at a moment if given), waits for the worker
// to finish it, and downloads the file.
export async function buildExport(
  world: ReturnsWorld['world'],
  roundId: string,
  format: string,
  asAt?: string,
) {
  const api = () => world.t.http();
  const finance = world.as('finance');
  const asked = await api()
    .post(`/api/v1/rounds/${roundId}/exports`)
    .set(finance)
    // As at now: with no asAt the export is of a few seconds ago (DEFAULT_AS_AT_LAG_MS), before
    // what the test has just written.
    .send({ format, asAt: asAt ?? new Date().toISOString() })
    .expect(202);
  expect(asked.body).toMatchObject({ format, status: 'queued', progress: 0 });
  const done = await eventually(async () => {
    const read = await api().get(`/api/v1/exports/${asked.body.id}`).set(finance);
    expect(read.body.status).toBe('done');
    return read.body;
  });
  const file = await downloadExport(world.t, finance, done.id);
  return { id: done.id as string, body: done, headers: file.headers, file: file.body as Buffer };
}

// An export's file as bytes (supertest would read a CSV as text and drop the byte-order mark).
export function downloadExport(t: TestApp, as: Headers, id: string) {
  return t
    .http()
    .get(`/api/v1/exports/${id}/download`)
    .set(as)
    .buffer(true)
    .parse((response, callback) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => callback(null, Buffer.concat(chunks)));
    })
    .expect(200);
}

// The demo's delivery round (SSF-DEMO-R, found by its code: other suites' draft rounds may list
// first, and a draft's export is refused) and a finance user of the suite's own, so exports
// other suites asked for do not count against its limits.
export async function demoRoundForOwnFinance(t: TestApp) {
  const tokens = await tokensByRole(t);
  const rounds = await t
    .http()
    .get('/api/v1/rounds')
    .query({ q: 'SSF-DEMO-R' })
    .set({ authorization: `Bearer ${tokens.finance}` })
    .expect(200);
  const round = (rounds.body.items as { id: string; code: string }[]).find(
    (found) => found.code === 'SSF-DEMO-R',
  );
  if (!round) {
    throw new Error('The demo delivery round SSF-DEMO-R is missing');
  }
  const admin = { authorization: `Bearer ${tokens.admin}` };
  const user = await createAccount(t, admin, validStaffUser({ role: 'finance' }));
  const finance: Headers = { authorization: `Bearer ${await login(t, user.email, user.password)}` };
  return { roundId: round.id, finance, financeId: user.id };
}

export type { ReturnsWorld };
