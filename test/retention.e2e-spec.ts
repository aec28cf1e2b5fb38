import { Readable } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import { DataSource } from 'typeorm';
import { formatLondonDate } from '../src/common/london-time';
import type { AppConfig } from '../src/config/app-config';
import { FileStore } from '../src/files/file-store';
import { QUEUES, queuePrefix, redisConnection } from '../src/queues/queues';
import { DAILY_RETENTION_SCHEDULER } from '../src/retention/retention.scheduler';
import { RetentionStore } from '../src/retention/retention-store';
import { loadRetentionConfig } from '../src/retention/retention-config';
import { expectProblem, startApp, startWorker, tokensByRole, type TestApp } from './support/app';
import { createAccount } from './support/accounts';
import { OldRound, PERSONAL, seedOldRound } from './support/old-round';
import { eventually } from './support/smtp';

// Periods long enough that only the round seeded in 2012 is past them in the run's shared
// database (other suites' records are all recent): unfunded bids and users 10 years, funded bids
// 20 years (so the funded bid of 2012/13 is not yet due), sessions 2 years, emails 7 years.
const retention: AppConfig['retention'] = {
  ...loadRetentionConfig({}, []),
  periods: {
    unfundedBidDays: 3650,
    fundedBidDays: 7300,
    inactiveUserDays: 3650,
    sessionDays: 730,
    signInRecordDays: 2555,
    emailDays: 2555,
  },
};
const AS_AT = '2026-01-01T00:00:00.000Z';
const REMOVED_TODAY = `Removed under the retention policy on ${formatLondonDate(new Date())}`;

describe('personal data retention', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let db: DataSource;
  let old: OldRound;
  let tokens: Awaited<ReturnType<typeof tokensByRole>>;
  const as = (role: keyof typeof tokens) => ({ authorization: `Bearer ${tokens[role]}` });
  const api = () => t.http();

  const spendSummary = async () =>
    (
      await api()
        .get(`/api/v1/rounds/${old.roundId}/spend-summary?asAt=${AS_AT}`)
        .set(as('finance'))
        .expect(200)
    ).body as Record<string, unknown>;
  const csvExport = async () => {
    const asked = await api()
      .post(`/api/v1/rounds/${old.roundId}/exports`)
      .set(as('finance'))
      .send({ format: 'csv', asAt: AS_AT })
      .expect(202);
    await eventually(async () => {
      const read = await api().get(`/api/v1/exports/${asked.body.id}`).set(as('finance'));
      expect(read.body.status).toBe('done');
    });
    const file = await api()
      .get(`/api/v1/exports/${asked.body.id}/download`)
      .set(as('finance'))
      .expect(200);
    return file.text;
  };
  const row = async (sql: string, params: unknown[]) =>
    (await db.query<Record<string, unknown>[]>(sql, params))[0];

  beforeAll(async () => {
    t = await startApp({ processRole: 'api', retention });
    worker = await startWorker({ retention });
    db = t.app.get(DataSource);
    tokens = await tokensByRole(t);
    old = await seedOldRound(db);
    await t.app
      .get(FileStore)
      .put(old.documentKey, Readable.from([Buffer.from('%PDF-1.4\n')]), 'application/pdf');
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('anonymises what is past its period by the daily job, and every report adds up as before', async () => {
    const summaryBefore = await spendSummary();
    const csvBefore = await csvExport();
    // The seeded award as the reports read it: £100,000 awarded, four quarters approved and paid.
    const paid = [1, 2, 3, 4].reduce((sum, q) => sum + 1_900_000 + q * 10_000 + 450_000 + q, 0);
    expect(summaryBefore).toMatchObject({
      totals: {
        round: { awards: 1, awardedPence: 10_000_000, approvedPence: paid, paidPence: paid },
      },
    });
    expect(csvBefore).toContain('-0002');
    const money = `SELECT b.status, b.reference, b.requested_pence, b.title,
        (SELECT json_agg(l ORDER BY l.kind) FROM bid_cost_lines l WHERE l.bid_id = b.id) AS lines,
        (SELECT json_agg(a.amount_pence ORDER BY a.amount_pence) FROM award_decisions a WHERE a.bid_id = b.id) AS awards,
        (SELECT json_agg(p.amount_pence || p.reference || p.status ORDER BY p.reference)
           FROM return_payments p JOIN award_decisions a ON a.id = p.award_id WHERE a.bid_id = b.id) AS payments
      FROM bids b WHERE b.round_id = $1 ORDER BY b.reference`;
    const moneyBefore = await db.query(money, [old.roundId]);

    // The dry run lists what will go, by id, with no personal data in it.
    const preview = await api().get('/api/v1/retention/preview').set(as('admin')).expect(200);
    const listed = Object.fromEntries(
      (
        preview.body.kinds as { kind: string; ids: string[]; count: number; periodDays: number }[]
      ).map((kind) => [kind.kind, kind]),
    );
    expect(listed['unfunded-bids'].ids).toContain(old.unfundedBidId);
    expect(listed['unfunded-bids'].periodDays).toBe(3650);
    expect(listed['unfunded-bid-documents'].ids).toContain(old.documentId);
    expect(listed['inactive-users'].ids).toContain(old.bidderId);
    expect(listed.sessions.ids).toContain(old.sessionId);
    expect(listed['account-links'].ids).toContain(old.linkId);
    expect(listed['sign-in-records'].ids).toContain(old.signInEventId);
    expect(listed.emails.ids).toContain(old.emailId);
    expect(listed['funded-bids'].ids).not.toContain(old.fundedBidId);
    const previewText = JSON.stringify(preview.body);
    for (const personal of [PERSONAL.partner, PERSONAL.address, old.bidderEmail]) {
      expect(previewText).not.toContain(personal);
    }
    await api().get('/api/v1/retention/preview').set(as('finance')).expect(403);

    // The scheduler is there, and the job runs through the queue on the worker.
    const queue = new Queue(QUEUES.retention, {
      connection: redisConnection(t.config),
      prefix: queuePrefix(t.config),
    });
    const events = new QueueEvents(QUEUES.retention, {
      connection: redisConnection(t.config),
      prefix: queuePrefix(t.config),
    });
    try {
      expect(await queue.getJobScheduler(DAILY_RETENTION_SCHEDULER)).toBeTruthy();
      await events.waitUntilReady();
      const job = await queue.add('run', {});
      const result = (await job.waitUntilFinished(events, 30_000)) as {
        runId: string;
        counts: Record<string, number>;
      };
      expect(result.counts['unfunded-bids']).toBeGreaterThanOrEqual(1);
      expect(result.counts['inactive-users']).toBeGreaterThanOrEqual(1);
      expect(result.counts.sessions).toBeGreaterThanOrEqual(1);
      expect(result.counts.emails).toBeGreaterThanOrEqual(1);
      expect(result.counts['sign-in-records']).toBeGreaterThanOrEqual(1);

      // Personal data gone where due.
      const unfunded = await row(
        `SELECT summary, problem_profile, consultation, evaluation_approach, partners FROM bids WHERE id = $1`,
        [old.unfundedBidId],
      );
      expect(unfunded).toEqual({
        summary: REMOVED_TODAY,
        problem_profile: REMOVED_TODAY,
        consultation: REMOVED_TODAY,
        evaluation_approach: REMOVED_TODAY,
        partners: [{ name: REMOVED_TODAY, role: REMOVED_TODAY }],
      });
      const user = await row(`SELECT name, email, active FROM users WHERE id = $1`, [old.bidderId]);
      expect(user).toEqual({
        name: REMOVED_TODAY,
        email: `erased-${old.bidderId}@retention.invalid`,
        active: false,
      });
      expect(
        await row(`SELECT count(*)::int AS n FROM user_sessions WHERE user_id = $1`, [
          old.bidderId,
        ]),
      ).toEqual({ n: 0 });
      expect(
        await row(`SELECT count(*)::int AS n FROM account_links WHERE id = $1`, [old.linkId]),
      ).toEqual({ n: 0 });
      expect(
        await row(`SELECT recipients, data, template, status FROM email_outbox WHERE id = $1`, [
          old.emailId,
        ]),
      ).toEqual({
        recipients: ['removed@retention.invalid'],
        data: {},
        template: 'bid-submitted',
        status: 'sent',
      });
      expect(
        await row(`SELECT file_name FROM supporting_documents WHERE id = $1`, [old.documentId]),
      ).toEqual({
        file_name: REMOVED_TODAY,
      });
      expect(await t.app.get(FileStore).read(old.documentKey)).toBeNull();
      const trail = JSON.stringify(
        await db.query(`SELECT actor_label, changes FROM audit_events WHERE object_id = ANY($1)`, [
          [old.unfundedBidId, old.bidderId],
        ]),
      );
      expect(trail).toContain('Removed under the retention policy');
      expect(trail).not.toContain(PERSONAL.partner);
      expect(trail).not.toContain(PERSONAL.address);
      expect(trail).not.toContain(old.bidderEmail);
      expect(
        await db.query(`SELECT DISTINCT actor_label FROM audit_events WHERE actor_id = $1`, [
          old.bidderId,
        ]),
      ).toEqual([{ actor_label: 'erased user (applicant)' }]);

      // Kept where not yet due: the funded bid (20 years from the end of delivery).
      const funded = await row(`SELECT consultation, partners FROM bids WHERE id = $1`, [
        old.fundedBidId,
      ]);
      expect(funded.consultation).toContain(PERSONAL.partner);
      expect(
        await row(`SELECT signatory_name FROM award_decisions WHERE id = $1`, [old.awardId]),
      ).toEqual({
        signatory_name: PERSONAL.signatory,
      });

      // Money, references, statuses and reports exactly as before.
      expect(await db.query(money, [old.roundId])).toEqual(moneyBefore);
      expect(await spendSummary()).toEqual(summaryBefore);
      expect(await csvExport()).toBe(csvBefore);

      // The run is recorded and audited with its counts.
      const run = await row(`SELECT counts FROM retention_runs WHERE id = $1`, [result.runId]);
      expect(run.counts).toEqual(result.counts);
      const audited = await api()
        .get(`/api/v1/audit-events?objectType=retention_run&objectId=${result.runId}`)
        .set(as('admin'))
        .expect(200);
      expect(audited.body.items).toEqual([
        expect.objectContaining({
          command: 'retention.run',
          actorLabel: 'retention job',
          changes: expect.objectContaining({
            'unfunded-bids': { before: null, after: result.counts['unfunded-bids'] },
          }),
        }),
      ]);

      // Running again changes nothing: the dry run lists none of what went.
      const again = await api().get('/api/v1/retention/preview').set(as('admin')).expect(200);
      const stillListed = JSON.stringify(again.body);
      for (const id of [
        old.unfundedBidId,
        old.bidderId,
        old.sessionId,
        old.emailId,
        old.documentId,
      ]) {
        expect(stillListed).not.toContain(id);
      }
      const second = (await (await queue.add('run', {})).waitUntilFinished(events, 30_000)) as {
        counts: Record<string, number>;
      };
      expect(second.counts['inactive-users']).toBe(0);
      expect(await spendSummary()).toEqual(summaryBefore);
    } finally {
      await events.close();
      await queue.close();
    }
  });

  it("counts a funded bid's period from the end of its last UK day of delivery, not the database's", async () => {
    // The old round's delivery ends on 31 March 2013, a BST day (the clocks went forward at
    // 01:00 UTC): it is over at 23:00 UTC, when London reads 00:00 on 1 April. A cutoff of
    // 23:30 UTC, 00:30 BST on 1 April, is past it; 22:59:59 UTC, 23:59:59 BST, is not.
    const store = t.app.get(RetentionStore);
    const due = (cutoff: string) =>
      store.dueIds(db.manager, 'funded-bids', new Date(cutoff), 1_000_000);
    expect(await due('2013-03-31T23:30:00.000Z')).toContain(old.fundedBidId);
    expect(await due('2013-03-31T22:59:59.999Z')).not.toContain(old.fundedBidId);
  });

  it('keeps a submitted bid frozen and the audit trail append-only outside the retention service', async () => {
    await expect(
      db.query(`UPDATE bids SET consultation = 'edited' WHERE id = $1`, [old.fundedBidId]),
    ).rejects.toThrow(/submitted content cannot change/);
    await expect(
      db.query(`UPDATE audit_events SET actor_label = 'x' WHERE id = $1`, [old.signInEventId]),
    ).rejects.toThrow(/append-only/);
    // Even with the retention setting on, the event's command and object stay, and nothing is deleted.
    await db.transaction(async (manager) => {
      await manager.query(`SELECT set_config('ssg.retention', 'on', true)`);
      await expect(
        manager.query(`UPDATE bids SET requested_pence = 1 WHERE id = $1`, [old.fundedBidId]),
      ).rejects.toThrow(/submitted content cannot change/);
    });
    await db.transaction(async (manager) => {
      await manager.query(`SELECT set_config('ssg.retention', 'on', true)`);
      await expect(
        manager.query(`UPDATE audit_events SET command = 'x' WHERE id = $1`, [old.signInEventId]),
      ).rejects.toThrow(/append-only/);
    });
    await db.transaction(async (manager) => {
      await manager.query(`SELECT set_config('ssg.retention', 'on', true)`);
      await expect(
        manager.query(`DELETE FROM audit_events WHERE id = $1`, [old.signInEventId]),
      ).rejects.toThrow(/append-only/);
    });
  });

  it("erases a deactivated user's personal data on request, once, and refuses an active user or oneself", async () => {
    const { id, email } = await createAccount(t, as('admin'), {
      email: `leaver-${Date.now()}@applicant.example`,
      name: 'Lee Leaver',
      role: 'finance',
    });

    expectProblem(
      (await api().post(`/api/v1/users/${id}/erase`).set(as('admin')).expect(409)).body,
      409,
      'user-active',
    );
    const me = (await api().get('/api/v1/me').set(as('admin')).expect(200)).body as { id: string };
    expectProblem(
      (await api().post(`/api/v1/users/${me.id}/erase`).set(as('admin')).expect(403)).body,
      403,
      'own-erasure',
    );
    await api().post(`/api/v1/users/${id}/erase`).set(as('finance')).expect(403);
    await api()
      .post(`/api/v1/users/6f1c5a8e-3b7a-4c1e-9a55-2f0f8c1d2e3a/erase`)
      .set(as('admin'))
      .expect(404);
    expect((await db.query(`SELECT name FROM users WHERE id = $1`, [id]))[0]).toEqual({
      name: 'Lee Leaver',
    });

    await api().post(`/api/v1/users/${id}/deactivate`).set(as('admin')).expect(200);
    const erased = await api().post(`/api/v1/users/${id}/erase`).set(as('admin')).expect(200);
    expect(erased.body).toMatchObject({ userId: id, alreadyErased: false });
    const read = await api().get(`/api/v1/users/${id}`).set(as('admin')).expect(200);
    expect(read.body).toMatchObject({
      name: expect.stringMatching(/^Removed under the retention policy on /),
      email: `erased-${id}@retention.invalid`,
      active: false,
    });
    expect(
      await row(`SELECT count(*)::int AS n FROM account_links WHERE user_id = $1`, [id]),
    ).toEqual({ n: 0 });

    const twice = await api().post(`/api/v1/users/${id}/erase`).set(as('admin')).expect(200);
    expect(twice.body).toEqual({ ...erased.body, alreadyErased: true });

    const events = (
      await api()
        .get(`/api/v1/audit-events?objectType=user&objectId=${id}&limit=100`)
        .set(as('admin'))
        .expect(200)
    ).body.items as { command: string }[];
    expect(events.filter((event) => event.command === 'user.erase')).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(email);
    expect(JSON.stringify(events)).not.toContain('Lee Leaver');
  });
});
