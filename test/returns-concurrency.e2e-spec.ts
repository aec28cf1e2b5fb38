import type { BiddingWorld } from './support/bids';
import { activeAward, quarterReturn, type ReturnsWorld } from './support/returns';

// Commands on one return arriving together: the award and the return are locked, so exactly one
// of two edits of the same version wins, a return is submitted once, and a payment made once.
describe('returns: simultaneous commands', () => {
  let setup: ReturnsWorld;
  let world: BiddingWorld;

  beforeAll(async () => {
    setup = await activeAward();
    world = setup.world;
  }, 90_000);
  afterAll(() => world.close());

  it('lets one of each pair through and refuses the other', async () => {
    const { t, pcc, as } = world;
    const q1 = setup.returns[0].id;
    const api = () => t.http();
    const read = await api().get(`/api/v1/returns/${q1}`).set(pcc.headers).expect(200);
    const edit = (capital: number) =>
      api()
        .patch(`/api/v1/returns/${q1}`)
        .set(pcc.headers)
        .set('if-match', read.headers.etag)
        .send(quarterReturn(setup.interventionId, { capital }));
    const edits = await Promise.all([edit(7_000_000), edit(7_500_000)]);
    expect(edits.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = edits.find((r) => r.status === 200)?.body.draft.spend[0].amountPence;
    const saved = await api().get(`/api/v1/returns/${q1}`).set(pcc.headers).expect(200);
    expect(saved.body.draft.spend[0].amountPence).toBe(winner);

    const submits = await Promise.all(
      [1, 2, 3].map(() => api().post(`/api/v1/returns/${q1}/submit`).set(pcc.headers)),
    );
    expect(submits.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const approved = await api()
      .post(`/api/v1/returns/${q1}/approve`)
      .set(as('finance'))
      .send({})
      .expect(200);
    expect(approved.body.submissions).toHaveLength(1);

    const payment = approved.body.payment.id as string;
    const today = new Date().toISOString().slice(0, 10);
    const records = await Promise.all(
      ['BACS-A', 'BACS-B'].map((reference) =>
        api()
          .post(`/api/v1/payments/${payment}/record`)
          .set(setup.payer)
          .send({ paidOn: today, reference }),
      ),
    );
    expect(records.map((r) => r.status).sort()).toEqual([200, 409]);
  });
});
