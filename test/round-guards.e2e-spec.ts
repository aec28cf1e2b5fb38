import { DataSource } from 'typeorm';
import type { Role } from '../src/common/access';
import { formatUkDate, londonDateOf } from '../src/common/london-time';
import { expectProblem, type TestApp } from './support/app';
import { fullAward, moderatedRound } from './support/awards';
import type { BiddingWorld } from './support/bids';
import { uniqueSuffix, validRound } from './support/factories';
import { activeAward, quarterReturn, type ReturnsWorld } from './support/returns';

const DAY = 86_400_000;

// Issue 22's lifecycle guards: delivery starts past open offers only with a reason; a round closes
// out only when nothing is owed, and its money is final after (the API and the database refuse);
// new rounds cannot open long ago or deliver before bids close unless they are historic records.
describe('round lifecycle guards', () => {
  let setup: ReturnsWorld;
  let world: BiddingWorld;
  let t: TestApp;
  const as = (role: Role) => world.as(role);
  const api = () => t.http();
  const sql = (query: string, parameters: unknown[] = []) =>
    t.app.get(DataSource).query(query, parameters);
  const quarter = (n: number) => setup.returns[n - 1].id;
  const send = async (n: number, body: object) => {
    const read = await api()
      .get(`/api/v1/returns/${quarter(n)}`)
      .set(world.pcc.headers)
      .expect(200);
    await api()
      .patch(`/api/v1/returns/${quarter(n)}`)
      .set(world.pcc.headers)
      .set('if-match', `"${read.body.version}"`)
      .send(body)
      .expect(200);
    await api()
      .post(`/api/v1/returns/${quarter(n)}/submit`)
      .set(world.pcc.headers)
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
  const pay = (paymentId: string) =>
    api()
      .post(`/api/v1/payments/${paymentId}/record`)
      .set(setup.payer)
      .send({ paidOn: londonDateOf(new Date()), reference: `BACS-${uniqueSuffix()}` });
  const command = (roundId: string, name: string, body?: object) =>
    api().post(`/api/v1/rounds/${roundId}/${name}`).set(as('admin')).send(body);
  const auditOf = async (roundId: string) =>
    (
      await api()
        .get(`/api/v1/audit-events?objectType=funding_round&objectId=${roundId}`)
        .set(as('admin'))
        .expect(200)
    ).body.items as {
      command: string;
      changes: Record<string, { before: unknown; after: unknown }>;
    }[];

  beforeAll(async () => {
    // £250,000 capital and £50,000 revenue delivered April to September 2025: two returns.
    setup = await activeAward({ deliveryEndsOn: '2025-09-30' });
    world = setup.world;
    t = world.t;
  }, 90_000);
  afterAll(() => world.close());

  describe('close-out', () => {
    let q1Payment: string;

    it('refuses while an award is active, a return unapproved and a payment unmade, listing exactly those', async () => {
      expect((await command(setup.roundId, 'start-delivery').expect(200)).body.status).toBe(
        'delivery',
      );
      const spend = { capital: 12_500_000, revenue: 2_500_000 };
      await send(1, quarterReturn(setup.interventionId, spend));
      q1Payment = await approve(1);
      // Dates in the list are read by people: written as in the UK, not as ISO.
      const q2DueOn = (
        await api()
          .get(`/api/v1/returns/${quarter(2)}`)
          .set(world.pcc.headers)
          .expect(200)
      ).body.dueOn as string;
      const unsent = await command(setup.roundId, 'close-out');
      expectProblem(unsent.body, 409, 'round-not-settled');
      expect(unsent.body.outstanding).toContainEqual(
        expect.objectContaining({
          kind: 'return',
          id: quarter(2),
          outstanding: `not sent, overdue (due on ${formatUkDate(q2DueOn)})`,
        }),
      );
      await send(2, quarterReturn(setup.interventionId, spend));

      const refused = await command(setup.roundId, 'close-out');
      expectProblem(refused.body, 409, 'round-not-settled');
      expect(refused.body.detail).toMatch(
        /1 award not finished, 1 return not approved, 1 payment not made \(£150,000.00 approved but unpaid\)/,
      );
      const reference = setup.bid.reference;
      const q1DueOn = (
        await api().get(`/api/v1/payments/${q1Payment}`).set(as('finance')).expect(200)
      ).body.dueOn as string;
      expect(refused.body.outstanding).toEqual([
        {
          kind: 'award',
          id: setup.awardId,
          reference,
          outstanding: 'active: returns or payments still to come',
          amountPence: 30_000_000,
        },
        {
          kind: 'return',
          id: quarter(2),
          reference: `${reference} Q2 2025/26`,
          outstanding: 'submitted, waiting for finance to review it',
          amountPence: 15_000_000,
        },
        {
          kind: 'payment',
          id: q1Payment,
          reference: `${reference} Q1 2025/26`,
          outstanding: `approved, not paid (due on ${formatUkDate(q1DueOn)})`,
          amountPence: 15_000_000,
        },
      ]);
      const round = await api().get(`/api/v1/rounds/${setup.roundId}`).set(as('admin')).expect(200);
      expect(round.body.status).toBe('delivery');
    });

    it('succeeds once everything is approved and paid, and the award is completed', async () => {
      const q2Payment = await approve(2);
      await pay(q1Payment).expect(200);
      expectProblem((await command(setup.roundId, 'close-out')).body, 409, 'round-not-settled');
      await pay(q2Payment).expect(200);
      const award = await sql(`SELECT status FROM award_decisions WHERE id = $1`, [setup.awardId]);
      expect(award[0].status).toBe('completed');

      await command(setup.roundId, 'close-out', {}).expect(200);
      const audit = await auditOf(setup.roundId);
      expect(audit.map((event) => event.command).slice(-2)).toEqual([
        'round.start-delivery',
        'round.close-out',
      ]);
    });

    it('refuses money changes afterwards, through the API and in the database', async () => {
      // The API says why before the database has to.
      const again = await pay(q1Payment);
      expectProblem(again.body, 409, 'round-closed-out');
      expect(again.body.detail).toMatch(/is closed out: nothing about its money changes/);
      const withdraw = await api()
        .post(`/api/v1/awards/${setup.awardId}/withdraw`)
        .set(as('approver'))
        .send({ reason: 'Trying after close-out' });
      expect(withdraw.status).toBe(409);

      const refusals: [string, unknown[]][] = [
        [`UPDATE return_payments SET amount_pence = amount_pence + 1 WHERE id = $1`, [q1Payment]],
        [
          `UPDATE return_payments SET status = 'to_make', paid_on = NULL, reference = NULL, recorded_by = NULL, recorded_at = NULL WHERE id = $1`,
          [q1Payment],
        ],
        [`DELETE FROM return_payments WHERE id = $1`, [q1Payment]],
        [
          `UPDATE award_decisions SET amount_pence = amount_pence - 100 WHERE id = $1`,
          [setup.awardId],
        ],
        [`UPDATE award_decisions SET status = 'active' WHERE id = $1`, [setup.awardId]],
        [
          `UPDATE award_lines SET amount_pence = amount_pence + 1 WHERE decision_id = $1`,
          [setup.awardId],
        ],
        [
          `INSERT INTO award_lines (decision_id, financial_year, kind, amount_pence) VALUES ($1, '2026/27', 'capital', 100)`,
          [setup.awardId],
        ],
        [`UPDATE delivery_returns SET status = 'due' WHERE id = $1`, [quarter(2)]],
        [
          `UPDATE return_submissions SET payable_pence = payable_pence + 1 WHERE return_id = $1`,
          [quarter(2)],
        ],
        [
          `UPDATE return_spend_lines SET approved_pence = 0 WHERE submission_id IN (SELECT id FROM return_submissions WHERE return_id = $1)`,
          [quarter(1)],
        ],
        [
          `INSERT INTO year_end_releases (award_id, financial_year, kind, amount_pence, released_at, return_id) VALUES ($1, '2025/26', 'revenue', 100, now(), $2)`,
          [setup.awardId, quarter(2)],
        ],
        [
          `INSERT INTO award_variations (award_id, organisation_id, status, reason, profile, amount_pence, requested_by, requested_at, version)
           SELECT id, organisation_id, 'requested', 'After close-out', '[]', amount_pence, decided_by, now(), 1 FROM award_decisions WHERE id = $1`,
          [setup.awardId],
        ],
      ];
      for (const [query, parameters] of refusals) {
        await expect(sql(query, parameters).then(() => query)).rejects.toThrow(
          /round .+ is closed out: (UPDATE|INSERT|DELETE) of \w+ is not allowed/,
        );
      }
      const rows = await sql(
        `SELECT amount_pence, status FROM return_payments WHERE award_id = $1 ORDER BY due_on`,
        [setup.awardId],
      );
      expect(rows).toEqual([
        { amount_pence: '15000000', status: 'made' },
        { amount_pence: '15000000', status: 'made' },
      ]);
    });

    it('still lets personal data in the closed-out round be anonymised', async () => {
      await sql(
        `UPDATE award_decisions SET signatory_name = 'Anonymised', signatory_position = NULL WHERE id = $1`,
        [setup.awardId],
      );
      await sql(`UPDATE return_submissions SET review_comment = NULL WHERE return_id = $1`, [
        quarter(1),
      ]);
      const [award] = await sql(`SELECT signatory_name FROM award_decisions WHERE id = $1`, [
        setup.awardId,
      ]);
      expect(award.signatory_name).toBe('Anonymised');
    });
  });

  describe('start-delivery with open offers', () => {
    it('refuses listing the open offers, then starts with a confirmation and an audited reason', async () => {
      const { round, bids } = await moderatedRound(world, [world.pcc], 1, {
        approvalThresholdPence: 50_000_000,
      });
      await api()
        .post(`/api/v1/bids/${bids[0].id}/decision`)
        .set(as('approver'))
        .send(fullAward(bids[0]))
        .expect(201);
      await command(round.id, 'publish-outcomes').expect(200);

      const refused = await command(round.id, 'start-delivery');
      expectProblem(refused.body, 409, 'round-offers-open');
      expect(refused.body.openOffers).toEqual([
        {
          awardId: expect.any(String),
          reference: bids[0].reference,
          organisationName: expect.stringMatching(/Northumbria/),
          offerExpiresAt: expect.any(String),
          offerExpiresUkTime: expect.stringMatching(/^\d{1,2} \w+ \d{4} 23:59:59 (GMT|BST)$/),
        },
      ]);
      expect(refused.body.detail).toContain(`1 offer is still open: ${bids[0].reference} (`);
      expect(refused.body.detail).toMatch(/:\d{2} (GMT|BST)\)\. Wait until/);

      const noReason = await command(round.id, 'start-delivery', { confirmOpenOffers: true });
      expectProblem(noReason.body, 409, 'round-offers-open');
      expect(noReason.body.detail).toMatch(/needs a reason/);
      const badBody = await command(round.id, 'start-delivery', { confirmOpenOffers: 'yes' });
      expectProblem(badBody.body, 400, 'validation-failed');

      const started = await command(round.id, 'start-delivery', {
        confirmOpenOffers: true,
        reason: 'The PCC asked for more time; the rest of delivery cannot wait.',
      }).expect(200);
      expect(started.body.status).toBe('delivery');
      const [event] = (await auditOf(round.id)).slice(-1);
      expect(event).toMatchObject({
        command: 'round.start-delivery',
        changes: {
          status: { before: 'decided', after: 'delivery' },
          reason: {
            before: null,
            after: `The PCC asked for more time; the rest of delivery cannot wait. (open offers: ${bids[0].reference})`,
          },
        },
      });
      // An offer still open keeps the round from closing out.
      const closeOut = await command(round.id, 'close-out');
      expectProblem(closeOut.body, 409, 'round-not-settled');
      expect(closeOut.body.outstanding).toEqual([
        expect.objectContaining({ kind: 'award', outstanding: expect.stringMatching(/^offered/) }),
      ]);
    });

    it('lets only admins start delivery or close out', async () => {
      await api().post(`/api/v1/rounds/${setup.roundId}/close-out`).set(as('finance')).expect(403);
      await api()
        .post(`/api/v1/rounds/${setup.roundId}/start-delivery`)
        .set(world.pcc.headers)
        .expect(403);
    });
  });

  describe('creating rounds', () => {
    const create = (body: object) => api().post('/api/v1/rounds').set(as('admin')).send(body);
    const fieldsOf = (body: { errors?: { field: string }[] }) =>
      (body.errors ?? []).map((error) => error.field);

    it('refuses a window opening more than the allowed days ago (7 by default)', async () => {
      const old = await create(
        validRound({ opensAt: new Date(Date.now() - 8 * DAY).toISOString() }),
      );
      expectProblem(old.body, 422, 'round-settings-inconsistent');
      expect(old.body.errors).toEqual([
        {
          field: 'opensAt',
          message: expect.stringMatching(
            /^the bidding window may open at most 7 days in the past .*historic: true$/,
          ),
        },
      ]);
      await create(validRound({ opensAt: new Date(Date.now() - 6 * DAY).toISOString() })).expect(
        201,
      );
    });

    it('refuses delivery starting before bids close', async () => {
      const closesAt = new Date(Date.now() + 20 * DAY);
      const early = await create(
        validRound({
          closesAt: closesAt.toISOString(),
          deliveryStartsOn: new Date(Date.now() + 10 * DAY).toISOString().slice(0, 10),
        }),
      );
      expectProblem(early.body, 422, 'round-settings-inconsistent');
      expect(fieldsOf(early.body)).toEqual(['deliveryStartsOn']);
      expect(early.body.errors[0].message).toMatch(/^delivery must start after bids close/);
    });

    it('refuses moving a draft’s window into the distant past, but not other edits of an old draft', async () => {
      const { body: round } = await create(validRound()).expect(201);
      const moved = await api()
        .patch(`/api/v1/rounds/${round.id}`)
        .set(as('admin'))
        .set('if-match', '"1"')
        .send({ opensAt: '2024-01-01T09:00:00Z' });
      expectProblem(moved.body, 422, 'round-settings-inconsistent');
      expect(fieldsOf(moved.body)).toEqual(['opensAt']);
      // Opened long ago already: a name change alone is still fine.
      await sql(`UPDATE funding_rounds SET opens_at = now() - interval '30 days' WHERE id = $1`, [
        round.id,
      ]);
      await api()
        .patch(`/api/v1/rounds/${round.id}`)
        .set(as('admin'))
        .set('if-match', '"1"')
        .send({ name: 'Renamed test round' })
        .expect(200);
      const historic = await api()
        .patch(`/api/v1/rounds/${round.id}`)
        .set(as('admin'))
        .set('if-match', '"2"')
        .send({ historic: true });
      expectProblem(historic.body, 400, 'validation-failed');
    });

    it('records a historic round straight into the records, never opening it for bidding', async () => {
      const past = validRound({
        historic: true,
        opensAt: '2022-03-18T09:00:00Z',
        closesAt: '2022-05-27T22:59:00Z',
        deliveryStartsOn: '2022-04-01',
        deliveryEndsOn: '2023-03-31',
      });
      const stillOpen = await create({
        ...past,
        closesAt: new Date(Date.now() + DAY).toISOString(),
      });
      expectProblem(stillOpen.body, 422, 'round-settings-inconsistent');
      expect(fieldsOf(stillOpen.body)).toEqual(['historic']);

      const { body: round } = await create(past).expect(201);
      expect(round).toMatchObject({ status: 'draft', historic: true });
      const publish = await command(round.id, 'publish');
      expectProblem(publish.body, 409, 'round-command-refused');
      expect(publish.body.detail).toMatch(
        /historic round, kept for the records, and is never opened for bidding/,
      );
      await api()
        .post(`/api/v1/rounds/${round.id}/record-historic`)
        .set(as('moderator'))
        .expect(403);
      const recorded = await command(round.id, 'record-historic').expect(200);
      expect(recorded.body).toMatchObject({ status: 'closed_out', historic: true });
      await command(round.id, 'record-historic').expect(409);
      const audit = await auditOf(round.id);
      expect(audit.map((event) => event.command)).toEqual([
        'round.create',
        'round.record-historic',
      ]);
      expect(audit[0].changes.historic).toEqual({ before: null, after: true });

      const { body: current } = await create(validRound()).expect(201);
      expect(current.historic).toBe(false);
      const notHistoric = await command(current.id, 'record-historic');
      expectProblem(notHistoric.body, 409, 'round-command-refused');
      expect(notHistoric.body.detail).toMatch(/only a round created as historic/);
    });
  });
});
