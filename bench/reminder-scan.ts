import { performance } from 'node:perf_hooks';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource, EntityManager } from 'typeorm';
import { AppModule } from '../src/app.module';
import { NotificationsModule } from '../src/notifications/notifications.module';
import { ReminderScanService } from '../src/notifications/reminder-scan.service';
import { recordResult, round2 } from './results';
import { benchConfig, cleanUp, envNumber, freshDatabase, log, runMain } from './support';

// The daily reminder scan over BENCH_RETURNS (100,000) quarterly delivery returns: one run of
// ReminderScanService.scan, the service the worker's daily job runs, with every reminder kind the
// modules register (returns due in 14 and 3 days, overdue returns, account set-up, assessments).
//
// The returns are written with SQL in one statement per table (triggers and foreign-key checks
// off for that session): the demo's active award copied into BENCH_RETURNS / 8 awards of 8
// quarters each, held by BENCH_RETURNS / 100 organisations with two bidder accounts each. The
// awards' delivery periods start anywhere from ten quarters ago to five ahead, so the returns
// range from long approved through overdue and due to not yet due; returns are due 15 to 90
// days after their quarter ends. The scan then finds, as on a real morning, a few thousand
// reminders among them. Runs in its own database (DATABASE_URL's name + "_bench_reminders").
const RETURNS = envNumber('BENCH_RETURNS', 100_000);
const QUARTERS = 8;

// Every column of `table` in a SELECT list, `overrides` (column -> SQL) put in their place.
async function columns(manager: EntityManager, table: string, overrides: Record<string, string>) {
  const rows = await manager.query<{ column_name: string }[]>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const names = rows.map((row) => row.column_name);
  for (const column of Object.keys(overrides)) {
    if (!names.includes(column)) {
      throw new Error(`${table} has no column ${column}`);
    }
  }
  return {
    into: names.map((name) => `"${name}"`).join(', '),
    select: names.map((name) => overrides[name] ?? `t."${name}"`).join(', '),
  };
}

// `count` copies of the row of `table` that `where` picks, numbered n = 1..count.
async function copies(
  manager: EntityManager,
  table: string,
  where: string,
  count: number,
  overrides: Record<string, string>,
): Promise<void> {
  const { into, select } = await columns(manager, table, overrides);
  await manager.query(
    `INSERT INTO ${table} (${into})
     SELECT ${select} FROM (SELECT * FROM ${table} WHERE ${where} LIMIT 1) t
     CROSS JOIN generate_series(1, ${count}) AS n`,
  );
}

const id = (kind: string, n = 'n') => `md5('bench-${kind}-' || ${n})::uuid`;

async function seedReturns(db: DataSource, returns: number): Promise<void> {
  const awards = Math.ceil(returns / QUARTERS);
  const organisations = Math.max(1, Math.ceil(returns / 100));
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SET session_replication_role = replica`);
    await runner.startTransaction();
    const m = runner.manager;
    const [award] = await m.query<{ id: string; bid_id: string }[]>(
      `SELECT a.id, a.bid_id FROM award_decisions a WHERE a.status = 'active' LIMIT 1`,
    );
    await copies(m, 'organisations', `type = 'local_authority'`, organisations, {
      id: id('org'),
      name: `'Benchmark council ' || n`,
    });
    // Two bidder accounts per organisation: users n and n + organisations of organisation n.
    await copies(m, 'users', `email = 'applicant@demo.test'`, organisations * 2, {
      id: id('user'),
      email: `'bidder-' || n || '@bench.example'`,
      name: `'Bidder ' || n`,
      organisation_id: id('org', `((n - 1) % ${organisations} + 1)`),
    });
    const org = `((n - 1) % ${organisations} + 1)`;
    await copies(m, 'bids', `id = '${award.bid_id}'`, awards, {
      id: id('bid'),
      organisation_id: id('org', org),
      applicant_type: `'local_authority'`,
      created_by: id('user', org),
      number: `100000 + n`,
      reference: `'BENCH-R-' || lpad(n::text, 6, '0')`,
      creation_key: 'NULL',
      pcc_rank: 'NULL',
    });
    // Award n's first quarter starts (n % 16) - 10 quarters from the current one; an award whose
    // eighth quarter ended two quarters ago or more is completed.
    const first = `((n % 16) - 10)`;
    await copies(m, 'award_decisions', `id = '${award.id}'`, awards, {
      id: id('award'),
      bid_id: id('bid'),
      organisation_id: id('org', org),
      status: `CASE WHEN ${first} + ${QUARTERS - 1} <= -2 THEN 'completed' ELSE 'active' END`,
    });
    await m.query(
      `INSERT INTO delivery_returns (award_id, organisation_id, financial_year, quarter,
         period_starts_on, period_ends_on, due_on, status, version, submissions)
       SELECT award_id, organisation_id,
              CASE WHEN extract(month FROM starts) >= 4
                THEN extract(year FROM starts)::int || '/' || lpad(((extract(year FROM starts)::int + 1) % 100)::text, 2, '0')
                ELSE (extract(year FROM starts)::int - 1) || '/' || lpad((extract(year FROM starts)::int % 100)::text, 2, '0')
              END,
              ((extract(month FROM starts)::int + 8) % 12) / 3 + 1,
              starts, ends, due, status, 1,
              CASE WHEN status IN ('submitted', 'approved', 'changes_requested') THEN 1 ELSE 0 END
       FROM (
         SELECT award_id, organisation_id, starts, ends, due,
                CASE WHEN completed THEN 'approved'
                     WHEN ends >= current_date THEN 'upcoming'
                     WHEN due >= current_date THEN 'due'
                     WHEN bucket < 90 THEN 'approved'
                     WHEN bucket < 95 THEN 'submitted'
                     WHEN bucket < 98 THEN 'due'
                     ELSE 'changes_requested' END AS status
         FROM (
           SELECT ${id('award')} AS award_id, ${id('org', org)} AS organisation_id,
                  q.starts, (q.starts + interval '3 months' - interval '1 day')::date AS ends,
                  (q.starts + interval '3 months' - interval '1 day')::date + 15 + n % 76 AS due,
                  ${first} + ${QUARTERS - 1} <= -2 AS completed,
                  (n * ${QUARTERS} + j) % 100 AS bucket
           FROM generate_series(1, ${awards}) AS n
           CROSS JOIN generate_series(0, ${QUARTERS - 1}) AS j
           CROSS JOIN LATERAL (
             SELECT (date_trunc('quarter', current_date) + (${first} + j) * interval '3 months')::date AS starts
           ) q
         ) r
       ) s
       LIMIT ${returns}`,
    );
    await runner.commitTransaction();
  } catch (error) {
    if (runner.isTransactionActive) {
      await runner.rollbackTransaction();
    }
    throw error;
  } finally {
    await runner.query(`SET session_replication_role = DEFAULT`);
    await runner.release();
  }
  // As autovacuum would after a bulk load: the planner needs to know how big the tables are.
  await db.query('VACUUM ANALYZE');
}

async function main(): Promise<void> {
  const config = benchConfig('reminders');
  log(`reminder_scan: preparing ${new URL(config.databaseUrl).pathname.slice(1)} (demo data)`);
  await freshDatabase(config, true);
  // The API role loads every module that registers a reminder kind and no queue consumers; the
  // scan service is the worker's own.
  @Module({
    imports: [AppModule.forRole({ ...config, processRole: 'api' }), NotificationsModule],
    providers: [ReminderScanService],
  })
  class ScanModule {}
  const context = await NestFactory.createApplicationContext(ScanModule, { logger: ['error'] });
  try {
    const db = context.get(DataSource);
    // The demo's own returns count towards the total.
    const [{ existing }] = await db.query<{ existing: number }[]>(
      `SELECT count(*)::int AS existing FROM delivery_returns`,
    );
    log(`reminder_scan: writing ${RETURNS - existing} returns`);
    await seedReturns(db, RETURNS - existing);
    const [{ count }] = await db.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM delivery_returns`,
    );
    const [{ queued: before }] = await db.query<{ queued: number }[]>(
      `SELECT count(*)::int AS queued FROM email_outbox`,
    );
    const scanner = context.get(ReminderScanService);
    const started = performance.now();
    const queued = await scanner.scan(new Date());
    const seconds = (performance.now() - started) / 1000;
    // The same scan again the same day: everything due was queued, so nothing is added.
    const againStarted = performance.now();
    const again = await scanner.scan(new Date());
    const againSeconds = (performance.now() - againStarted) / 1000;
    const [{ queued: after }] = await db.query<{ queued: number }[]>(
      `SELECT count(*)::int AS queued FROM email_outbox`,
    );
    log(
      `reminder_scan: ${count} returns; queued ${JSON.stringify(queued)} (${after - before} rows) in ${seconds.toFixed(2)} s; ` +
        `again ${JSON.stringify(again)} in ${againSeconds.toFixed(2)} s`,
    );
    recordResult('reminder_scan', { returns: count, seconds: round2(seconds) });
  } finally {
    await context.close();
    await cleanUp(config);
  }
}

runMain(main);
