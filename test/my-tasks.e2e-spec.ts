import { ReminderScanService } from '../src/notifications/reminder-scan.service';
import { openRound, validBid } from './support/bids';
import { activeAward, type ReturnsWorld } from './support/returns';

interface Task {
  kind: string;
  objectType: string;
  objectId: string;
  reference: string;
  deadline: string | null;
  deadlineLondon: string | null;
  overdueDays: number;
}

// "My work": tasks computed from the same definitions as the reminders, per user and organisation,
// and the emails each user was sent.
describe('my tasks and notifications', () => {
  let setup: ReturnsWorld;

  beforeAll(async () => {
    setup = await activeAward();
  }, 120_000);
  afterAll(() => setup.world.close());

  const tasksOf = async (headers: { authorization: string }): Promise<Task[]> =>
    (await setup.world.t.http().get('/api/v1/me/tasks').set(headers).expect(200)).body.items;
  const ukToday = () => new Date().toISOString().slice(0, 10);
  const daysBetween = (from: string, to: string) =>
    Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

  it('lists the overdue returns the reminder scan emails about, with the same days overdue', async () => {
    const { world, returns } = setup;
    const ids = new Set(returns.map((row) => row.id));
    const now = new Date();
    await world.worker.get(ReminderScanService).scan(now);
    const emails = [];
    for (const id of ids) {
      const page = await world.t
        .http()
        .get(`/api/v1/emails?template=return-overdue-reminder&objectId=${id}&limit=100`)
        .set(world.as('admin'))
        .expect(200);
      emails.push(...page.body.items);
    }
    const reminded = new Map<string, number>();
    for (const row of emails as { objectId: string; data: { daysOverdue: number } }[]) {
      reminded.set(row.objectId, Math.max(reminded.get(row.objectId) ?? 0, row.data.daysOverdue));
    }
    const overdue = (await tasksOf(world.pcc.headers)).filter(
      (task) => task.kind === 'return_overdue' && ids.has(task.objectId),
    );
    expect(overdue.map((task) => task.objectId).sort()).toEqual([...reminded.keys()].sort());
    expect(overdue.length).toBe(4);
    for (const task of overdue) {
      const row = returns.find((r) => r.id === task.objectId);
      expect(task.overdueDays).toBe(daysBetween(row!.dueOn, ukToday()));
      expect(task.overdueDays).toBe(reminded.get(task.objectId));
      expect(task.objectType).toBe('delivery_return');
      expect(task.reference).toBe(setup.bid.reference);
      expect(task.deadlineLondon).toMatch(/ 23:59:59 (GMT|BST)$/);
    }
    // Most urgent first: earliest deadline at the top.
    const deadlines = overdue.map((task) => task.deadline as string);
    expect(deadlines).toEqual([...deadlines].sort());
    // Another organisation's applicants never see them.
    const others = [
      ...(await tasksOf(world.council.headers)),
      ...(await tasksOf(world.otherCouncil.headers)),
    ];
    expect(others.filter((task) => ids.has(task.objectId))).toEqual([]);
  });

  it('shows a draft to its organisation, then the endorsement to the PCC once submitted', async () => {
    const { world } = setup;
    const { t, as, council, pcc, otherCouncil } = world;
    const closesAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const round = await openRound(t, as('admin'), { closesAt });
    const draft = (
      await t.http().post('/api/v1/bids').set(council.headers).send(validBid(round)).expect(201)
    ).body;
    const councilTasks = await tasksOf(council.headers);
    const mine = councilTasks.find((task) => task.objectId === draft.id);
    expect(mine).toMatchObject({
      kind: 'bid_draft_closing_soon',
      objectType: 'bid',
      reference: draft.reference,
      deadline: closesAt,
      overdueDays: 0,
    });
    expect((await tasksOf(otherCouncil.headers)).some((task) => task.objectId === draft.id)).toBe(
      false,
    );
    expect((await tasksOf(pcc.headers)).some((task) => task.objectId === draft.id)).toBe(false);

    await t.http().post(`/api/v1/bids/${draft.id}/submit`).set(council.headers).expect(200);
    expect((await tasksOf(council.headers)).some((task) => task.objectId === draft.id)).toBe(false);
    const endorsement = (await tasksOf(pcc.headers)).find((task) => task.objectId === draft.id);
    expect(endorsement).toMatchObject({ kind: 'bid_endorsement', deadline: closesAt });
    expect((await tasksOf(otherCouncil.headers)).some((task) => task.objectId === draft.id)).toBe(
      false,
    );
  });

  it('gives staff only their own kinds, with a count per kind', async () => {
    const { t, as } = setup.world;
    const body = (await t.http().get('/api/v1/me/tasks').set(as('finance')).expect(200)).body;
    expect(body.limit).toBe(200);
    expect(body.counts.map((c: { kind: string }) => c.kind).sort()).toEqual([
      'payment_to_make',
      'return_review',
    ]);
    expect(body.total).toBe(
      body.counts.reduce((sum: number, c: { count: number }) => sum + c.count, 0),
    );
    const assessor = (await t.http().get('/api/v1/me/tasks').set(as('assessor')).expect(200)).body;
    for (const task of assessor.items as Task[]) {
      expect(['assessment_declaration', 'assessment_marks']).toContain(task.kind);
    }
  });

  // The task list takes no parameters (it answers the 200 most urgent): one sent is refused
  // by name, as on every other route, rather than silently ignored.
  it('refuses a query parameter it does not take, naming it', async () => {
    const { t, as } = setup.world;
    for (const query of ['limit=abc', 'offset=5', 'kind=return_review']) {
      const answer = await t.http().get(`/api/v1/me/tasks?${query}`).set(as('finance')).expect(400);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.body.code).toBe('validation-failed');
      expect(answer.body.errors.map((error: { field: string }) => error.field)).toEqual([
        query.split('=')[0],
      ]);
    }
  });

  it('lists the emails sent to me, newest first, and never anyone else’s', async () => {
    const { t, pcc, otherCouncil } = setup.world;
    const mine = (
      await t.http().get('/api/v1/me/notifications?limit=100').set(pcc.headers).expect(200)
    ).body;
    expect(mine.total).toBeGreaterThan(0);
    const overdue = mine.items.find(
      (item: { template: string }) => item.template === 'return-overdue-reminder',
    );
    expect(overdue.subject).toContain(`Overdue: delivery return`);
    expect(overdue.objectType).toBe('delivery_return');
    expect(overdue.link).toContain(`/returns/${overdue.objectId}`);
    expect(overdue.createdAtLondon).toMatch(/^\d{1,2} \w+ \d{4} \d{2}:\d{2}:\d{2} (GMT|BST)$/);
    const created = mine.items.map((item: { createdAt: string }) => item.createdAt);
    expect(created).toEqual([...created].sort().reverse());

    const theirs = (
      await t.http().get('/api/v1/me/notifications?limit=100').set(otherCouncil.headers).expect(200)
    ).body.items.map((item: { id: string }) => item.id);
    const mineIds = new Set(mine.items.map((item: { id: string }) => item.id));
    expect(theirs.filter((id: string) => mineIds.has(id))).toEqual([]);
    await t.http().get('/api/v1/me/notifications?limit=0').set(pcc.headers).expect(400);
  });
});
