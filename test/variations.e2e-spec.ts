import { DataSource } from 'typeorm';
import { formatLondonZoned } from '../src/common/london-time';
import type { SpendSummaryDto } from '../src/reports/spend-summary.dto';
import { expectProblem } from './support/app';
import { newApprover } from './support/awards';
import { activeAward, quarterReturn, type ReturnsWorld } from './support/returns';
import { eventually } from './support/smtp';

type Kind = 'capital' | 'revenue';
const cell = (financialYear: string, quarter: number, kind: Kind, amountPence: number) => ({
  financialYear,
  quarter,
  kind,
  amountPence,
});
const line = (financialYear: string, kind: Kind, amountPence: number) => ({
  financialYear,
  kind,
  amountPence,
});

// An award delivered January to December 2025 (2024/25 Q4, 2025/26 Q1-Q3): £100,000 capital in
// 2024/25, £150,000 capital and £50,000 revenue in 2025/26. Never varied, its profile is each
// line spread evenly over its year's quarters, the pennies left in the last.
const EVEN = [
  cell('2024/25', 4, 'capital', 10_000_000),
  cell('2025/26', 1, 'capital', 5_000_000),
  cell('2025/26', 1, 'revenue', 1_666_666),
  cell('2025/26', 2, 'capital', 5_000_000),
  cell('2025/26', 2, 'revenue', 1_666_666),
  cell('2025/26', 3, 'capital', 5_000_000),
  cell('2025/26', 3, 'revenue', 1_666_668),
];
// The profile with some cells replaced (or added).
function varied(base: ReturnType<typeof cell>[], ...changes: ReturnType<typeof cell>[]) {
  const key = (c: ReturnType<typeof cell>) => `${c.financialYear} ${c.quarter} ${c.kind}`;
  const changed = new Map(changes.map((c) => [key(c), c]));
  const kept = base.map((c) => changed.get(key(c)) ?? c);
  return kept.concat(changes.filter((c) => !base.some((b) => key(b) === key(c))));
}
// The virement: £20,000 of 2025/26 Q3 capital becomes revenue.
const VIREMENT = varied(
  EVEN,
  cell('2025/26', 3, 'capital', 3_000_000),
  cell('2025/26', 3, 'revenue', 3_666_668),
);
// The extension to March 2026: £20,000 of Q3 capital moves into the new Q4.
const EXTENDED = varied(
  VIREMENT,
  cell('2025/26', 3, 'capital', 1_000_000),
  cell('2025/26', 4, 'capital', 2_000_000),
);

describe('variations of an active award', () => {
  let setup: ReturnsWorld;
  let db: DataSource;
  const api = () => setup.world.t.http();

  beforeAll(async () => {
    setup = await activeAward({
      opensAt: '2024-12-02T09:00:00.000Z',
      deliveryStartsOn: '2025-01-01',
      deliveryEndsOn: '2025-12-31',
      costLines: [
        line('2024/25', 'capital', 10_000_000),
        line('2025/26', 'capital', 15_000_000),
        line('2025/26', 'revenue', 5_000_000),
      ],
    });
    db = setup.world.t.app.get(DataSource);
  }, 120_000);
  afterAll(() => setup.world.close());

  const request = (body: object, who = setup.world.pcc.headers) =>
    api().post(`/api/v1/awards/${setup.awardId}/variations`).set(who).send(body);
  const command = (id: string, name: string, who: Record<string, string>, body: object = {}) =>
    api().post(`/api/v1/variations/${id}/${name}`).set(who).send(body);
  const summary = async (asAt: string): Promise<SpendSummaryDto> =>
    (
      await api()
        .get(`/api/v1/rounds/${setup.roundId}/spend-summary`)
        .query({ asAt })
        .set(setup.world.as('finance'))
        .expect(200)
    ).body;
  const position = async () =>
    (
      await api()
        .get(`/api/v1/awards/${setup.awardId}/position`)
        .set(setup.world.pcc.headers)
        .expect(200)
    ).body;
  // What a refused request could have written.
  const written = async () =>
    db.query<{ rows: string }[]>(
      `SELECT (SELECT count(*) FROM award_variations WHERE award_id = $1)::text || ':' ||
              (SELECT string_agg(financial_year || kind || amount_pence, ',' ORDER BY financial_year, kind)
               FROM award_lines WHERE decision_id = $1) || ':' ||
              (SELECT count(*) FROM delivery_returns WHERE award_id = $1)::text AS rows`,
      [setup.awardId],
    );
  const sendReturn = async (index: number, spend: object[]) => {
    const id = setup.returns[index].id;
    const { pcc } = setup.world;
    const read = await api().get(`/api/v1/returns/${id}`).set(pcc.headers).expect(200);
    await api()
      .patch(`/api/v1/returns/${id}`)
      .set(pcc.headers)
      .set('if-match', read.headers.etag)
      .send(quarterReturn(setup.interventionId, {}, { spend }))
      .expect(200);
    await api().post(`/api/v1/returns/${id}/submit`).set(pcc.headers).expect(200);
    await api()
      .post(`/api/v1/returns/${id}/approve`)
      .set(setup.world.as('finance'))
      .send({})
      .expect(200);
  };

  it('runs a delivery year with an approved virement and an approved extension, to the penny', async () => {
    const { as, pcc } = setup.world;
    // Not yet in delivery: the round is only decided.
    expectProblem(
      (await request({ reason: 'Early', profile: VIREMENT })).body,
      409,
      'award-not-active',
    );
    await api()
      .post(`/api/v1/rounds/${setup.roundId}/start-delivery`)
      .set(as('admin'))
      .send({})
      .expect(200);
    // The offer letter as accepted, to compare once the award is varied.
    const offerLetter = async () =>
      (await api().get(`/api/v1/awards/${setup.awardId}/offer-letter`).set(pcc.headers).expect(200))
        .text;
    const asAccepted = await offerLetter();
    expect(asAccepted).toContain('Accepted for');
    // 2024/25 Q4's return is approved (£90,000 capital), then 2025/26 Q1's: £50,000 capital,
    // £16,000 revenue.
    await sendReturn(0, [line('2024/25', 'capital', 9_000_000)]);
    await sendReturn(1, [
      line('2025/26', 'capital', 5_000_000),
      line('2025/26', 'revenue', 1_600_000),
    ]);

    // Bad input: each refused with the rule, nothing written.
    const untouched = await written();
    const refusals: [object, string][] = [
      [{ profile: varied(EVEN, cell('2025/26', 3, 'revenue', 1_666_669)) }, 'variation-over-award'],
      [
        {
          profile: varied(
            EVEN,
            cell('2024/25', 4, 'capital', 9_000_000),
            cell('2025/26', 3, 'capital', 6_000_000),
          ),
        },
        'variation-crosses-year',
      ],
      [
        {
          profile: varied(
            EVEN,
            cell('2025/26', 1, 'capital', 4_000_000),
            cell('2025/26', 2, 'capital', 6_000_000),
          ),
        },
        'variation-fixed-quarter',
      ],
      [{ profile: EVEN, deliveryEndsOn: '2026-04-30' }, 'variation-extension-invalid'],
      [{ profile: EVEN }, 'variation-unchanged'],
    ];
    for (const [body, code] of refusals) {
      const refused = await request({ reason: 'Supplier delay', ...body });
      expect([code, refused.status, refused.body.code]).toEqual([code, 422, code]);
      expectProblem(refused.body, 422, code);
    }
    const fixed = await request({
      reason: 'x',
      profile: varied(
        EVEN,
        cell('2025/26', 1, 'capital', 4_000_000),
        cell('2025/26', 2, 'capital', 6_000_000),
      ),
    });
    expect(fixed.body.errors).toEqual([
      {
        field: 'profile',
        message:
          '2025/26 Q1 capital cannot change from £50,000.00 to £40,000.00: its return is approved',
      },
    ]);
    await request({ reason: 'x', profile: VIREMENT }, as('approver')).expect(403);
    expect(await written()).toEqual(untouched);

    const beforeVirement = new Date().toISOString();
    const atStart = await summary(beforeVirement);
    const award = (s: SpendSummaryDto) => s.awards.items[0];
    expect(award(atStart).years).toEqual([
      expect.objectContaining({
        financialYear: '2024/25',
        kind: 'capital',
        awardedPence: 10_000_000,
      }),
      expect.objectContaining({
        financialYear: '2025/26',
        kind: 'capital',
        awardedPence: 15_000_000,
        approvedPence: 5_000_000,
      }),
      expect.objectContaining({
        financialYear: '2025/26',
        kind: 'revenue',
        awardedPence: 5_000_000,
        approvedPence: 1_600_000,
      }),
    ]);
    expect(
      award(atStart).quarters.map((q) => `${q.financialYear} Q${q.quarter} ${q.profilePence}`),
    ).toEqual([
      '2024/25 Q4 10000000',
      '2025/26 Q1 6666666',
      '2025/26 Q2 6666666',
      '2025/26 Q3 6666668',
    ]);

    // The virement: requested, one open at a time, approved by one approver (under the threshold).
    const virement = await request({
      reason: 'Lighting columns cheaper; more wardens',
      profile: VIREMENT,
    }).expect(201);
    expect(virement.headers.location).toBe(`/api/v1/variations/${virement.body.id}`);
    expect(virement.body).toMatchObject({
      status: 'requested',
      amountPence: 30_000_000,
      lines: [
        line('2024/25', 'capital', 10_000_000),
        line('2025/26', 'capital', 13_000_000),
        line('2025/26', 'revenue', 7_000_000),
      ],
    });
    const alsoOpen = (
      await request({ reason: 'Another', profile: EXTENDED, deliveryEndsOn: '2026-03-31' })
    ).body;
    expectProblem(alsoOpen, 409, 'variation-already-open');
    // When the open one was asked for, on the UK clock with its zone named.
    expect(alsoOpen.detail).toBe(
      `Award ${setup.bid.reference} already has a variation waiting for a decision (requested ${formatLondonZoned(new Date(virement.body.requestedAt as string))}); withdraw it or wait for the decision.`,
    );
    const approved = await command(virement.body.id, 'approve', as('approver')).expect(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      before: { amountPence: 30_000_000, deliveryEndsOn: '2025-12-31' },
    });
    expectProblem(
      (await command(virement.body.id, 'approve', as('approver'))).body,
      409,
      'variation-not-open',
    );
    expectProblem(
      (await command(virement.body.id, 'withdraw', pcc.headers)).body,
      409,
      'variation-not-open',
    );

    const afterVirement = await position();
    expect(
      afterVirement.lines.map(
        (l: { financialYear: string; kind: string; awardedPence: number }) =>
          `${l.financialYear} ${l.kind} ${l.awardedPence}`,
      ),
    ).toEqual(['2024/25 capital 10000000', '2025/26 capital 13000000', '2025/26 revenue 7000000']);
    expect(afterVirement.total.awardedPence).toBe(30_000_000);
    const betweenApprovals = new Date().toISOString();
    const varied1 = await summary(betweenApprovals);
    expect(award(varied1).years).toEqual([
      expect.objectContaining({
        financialYear: '2024/25',
        kind: 'capital',
        awardedPence: 10_000_000,
      }),
      expect.objectContaining({
        financialYear: '2025/26',
        kind: 'capital',
        awardedPence: 13_000_000,
        remainingPence: 8_000_000,
      }),
      expect.objectContaining({
        financialYear: '2025/26',
        kind: 'revenue',
        awardedPence: 7_000_000,
        remainingPence: 5_400_000,
      }),
    ]);
    expect(
      award(varied1).quarters.map((q) => `${q.financialYear} Q${q.quarter} ${q.profilePence}`),
    ).toEqual([
      '2024/25 Q4 10000000',
      '2025/26 Q1 6666666',
      '2025/26 Q2 6666666',
      '2025/26 Q3 6666668',
    ]);
    // As at before the approval, the old figures, whatever came after.
    expect(await summary(beforeVirement)).toEqual(atStart);

    // The extension, with the threshold lowered below the award: a second, different approver.
    await db.query(`UPDATE funding_rounds SET approval_threshold_pence = 10000000 WHERE id = $1`, [
      setup.roundId,
    ]);
    const extension = await request({
      reason: 'Installation moved to the new year',
      profile: EXTENDED,
      deliveryEndsOn: '2026-03-31',
      outputTargets: [{ interventionId: setup.interventionId, outputTarget: 55 }],
    }).expect(201);
    const first = await command(extension.body.id, 'approve', as('approver')).expect(200);
    expect(first.body.status).toBe('pending_second_approval');
    expectProblem(
      (await command(extension.body.id, 'confirm', as('approver'))).body,
      403,
      'second-approver-must-differ',
    );
    expect((await position()).returns).toHaveLength(4);
    const second = await newApprover(setup.world.t, as('admin'));
    const confirmed = await command(extension.body.id, 'confirm', second).expect(200);
    expect(confirmed.body).toMatchObject({ status: 'approved', deliveryEndsOn: '2026-03-31' });

    const extended = await position();
    expect(
      extended.returns.map(
        (r: { financialYear: string; quarter: number; dueOn: string; status: string }) =>
          `${r.financialYear} Q${r.quarter} ${r.dueOn} ${r.status}`,
      ),
    ).toEqual([
      '2024/25 Q4 2025-04-30 approved',
      '2025/26 Q1 2025-07-30 approved',
      '2025/26 Q2 2025-10-30 due',
      '2025/26 Q3 2026-01-30 due',
      '2025/26 Q4 2026-04-30 due',
    ]);
    const now = await summary(new Date().toISOString());
    expect(
      award(now).quarters.map((q) => `${q.financialYear} Q${q.quarter} ${q.profilePence}`),
    ).toEqual([
      '2024/25 Q4 10000000',
      '2025/26 Q1 6666666',
      '2025/26 Q2 6666666',
      '2025/26 Q3 4666668',
      '2025/26 Q4 2000000',
    ]);
    expect(award(now).years).toEqual(award(varied1).years);
    // Each moment keeps its figures: before either approval, between them.
    expect(await summary(beforeVirement)).toEqual(atStart);
    expect(award(await summary(betweenApprovals))).toEqual(award(varied1));
    // The new target is what returns now measure outputs against.
    const q4 = extended.returns[4].id as string;
    const q4Return = await api().get(`/api/v1/returns/${q4}`).set(pcc.headers).expect(200);
    expect(q4Return.body.outputs[0].outputTarget).toBe(55);
    // A return's variance is measured against the varied profile, not the even spread of the
    // year (which would give each 2025/26 quarter £50,000).
    expect(q4Return.body.variance.profilePence).toBe(2_000_000);
    const q3Return = await api()
      .get(`/api/v1/returns/${extended.returns[3].id as string}`)
      .set(pcc.headers)
      .expect(200);
    expect(q3Return.body.variance.profilePence).toBe(4_666_668);

    // Audited with before and after; the bidder emailed; the variation letter.
    const audit = await db.query<
      { command: string; changes: Record<string, { before: unknown; after: unknown }> }[]
    >(`SELECT command, changes FROM audit_events WHERE object_id = $1 ORDER BY occurred_at`, [
      virement.body.id,
    ]);
    expect(audit.map((e) => e.command)).toEqual(['variation.request', 'variation.approve']);
    expect(audit[1].changes.lines).toEqual({
      before: [
        line('2024/25', 'capital', 10_000_000),
        line('2025/26', 'capital', 15_000_000),
        line('2025/26', 'revenue', 5_000_000),
      ],
      after: [
        line('2024/25', 'capital', 10_000_000),
        line('2025/26', 'capital', 13_000_000),
        line('2025/26', 'revenue', 7_000_000),
      ],
    });
    const extensionAudit = await db.query<
      { command: string; changes: Record<string, { before: unknown; after: unknown }> }[]
    >(`SELECT command, changes FROM audit_events WHERE object_id = $1 ORDER BY occurred_at`, [
      extension.body.id,
    ]);
    expect(extensionAudit.map((e) => e.command)).toEqual([
      'variation.request',
      'variation.approve',
      'variation.confirm',
    ]);
    expect(extensionAudit[2].changes.deliveryEndsOn).toEqual({
      before: '2025-12-31',
      after: '2026-03-31',
    });
    const mail = await eventually(() => {
      const found = setup.world.smtp
        .to(pcc.email)
        .filter((m) => m.subject === `Grant ${setup.bid.reference} varied: now £300,000.00`);
      expect(found).toHaveLength(2);
      return found;
    });
    expect(mail[1].text).toContain('delivery ends on 31 March 2026');
    expect(mail[1].text).toContain('2025/26 capital: £130,000.00');
    // The offer letter keeps the terms as offered and accepted: the variation letters record
    // the changes (£150,000 of 2025/26 capital was offered; £130,000 after the virement).
    const afterVariations = await offerLetter();
    expect(afterVariations).toEqual(asAccepted);
    expect(afterVariations).toContain('£150,000.00');
    expect(afterVariations).not.toContain('£130,000.00');
    const letter = await api()
      .get(`/api/v1/variations/${extension.body.id}/letter`)
      .set(pcc.headers)
      .expect(200);
    expect(letter.headers['content-disposition']).toMatch(/^attachment; filename="variation-/);
    expect(letter.text).toContain('(extended from 31 December 2025)');
    await api()
      .get(`/api/v1/variations/${virement.body.id}/letter`)
      .set(as('moderator'))
      .expect(200);
  }, 90_000);

  it('refuses, withdraws, and keeps deciders away from their own organisation’s request', async () => {
    const { as, pcc, council } = setup.world;
    const current = (
      await api().get(`/api/v1/awards/${setup.awardId}/variations`).set(pcc.headers).expect(200)
    ).body.items;
    const profile = current
      .at(-1)
      .profile.map((c: ReturnType<typeof cell>) =>
        c.financialYear === '2025/26' && c.quarter === 4 && c.kind === 'capital'
          ? { ...c, amountPence: 1_000_000 }
          : c,
      );
    // A reduction, refused with a reason (the bidder is told), then one withdrawn.
    const reduction = await request({ reason: 'Less needed in Q4', profile }).expect(201);
    expectProblem(
      (await api().get(`/api/v1/variations/${reduction.body.id}/letter`).set(as('moderator'))).body,
      409,
      'variation-not-approved',
    );
    await command(reduction.body.id, 'refuse', as('approver'), {}).expect(400);
    await command(reduction.body.id, 'refuse', pcc.headers, { reason: 'No' }).expect(403);
    const refused = await command(reduction.body.id, 'refuse', as('approver'), {
      reason: 'Keep the Q4 money',
    }).expect(200);
    expect(refused.body).toMatchObject({ status: 'refused', refusalReason: 'Keep the Q4 money' });
    expectProblem(
      (await command(reduction.body.id, 'approve', as('approver'))).body,
      409,
      'variation-not-open',
    );
    await eventually(() => {
      const found = setup.world.smtp
        .to(pcc.email)
        .filter(
          (m) => m.subject === `Grant ${setup.bid.reference}: your variation was not approved`,
        );
      expect(found).toHaveLength(1);
      expect(found[0].text).toContain('Keep the Q4 money');
    });
    const again = await request({ reason: 'Less needed in Q4', profile }).expect(201);
    // Another organisation sees nothing of it.
    await api().get(`/api/v1/variations/${again.body.id}`).set(council.headers).expect(404);
    await command(again.body.id, 'withdraw', council.headers).expect(404);
    await request({ reason: 'Ours now', profile }, council.headers).expect(404);
    const withdrawn = await command(again.body.id, 'withdraw', pcc.headers).expect(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    expectProblem(
      (await command(again.body.id, 'refuse', as('approver'), { reason: 'Late' })).body,
      409,
      'variation-not-open',
    );

    // An approver who belonged to the bidding organisation may not decide its variation.
    const third = await request({ reason: 'Less needed in Q4', profile }).expect(201);
    const tied = await newApprover(setup.world.t, as('admin'));
    const me = await api().get('/api/v1/me').set(tied).expect(200);
    await db.query(
      `INSERT INTO user_memberships (user_id, organisation_id, role, valid_from, valid_until)
       SELECT $1, organisation_id, 'applicant', now() - interval '2 years', now() - interval '1 year'
       FROM award_decisions WHERE id = $2`,
      [me.body.id, setup.awardId],
    );
    expectProblem(
      (await command(third.body.id, 'approve', tied)).body,
      403,
      'conflict-of-interest',
    );
    expect(
      (await api().get(`/api/v1/variations/${third.body.id}`).set(pcc.headers).expect(200)).body
        .status,
    ).toBe('requested');
  }, 60_000);
});
