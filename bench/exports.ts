import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { migrate } from '../src/cli';
import { loadConfig } from '../src/config/load-config';
import { DemoModule } from '../src/demo/demo.module';
import { DemoSeedService } from '../src/demo/demo-seed.service';
import { ExportBuilder } from '../src/reports/export-builder.service';

// Do exports stream? Builds each format for rounds of growing size (the demo's delivered award
// copied N times, with its returns, submissions, spend lines and payment) and reports time and
// the peak memory above the starting point. Streaming shows as memory that stays flat while the
// round grows tenfold. Runs in its own database (DATABASE_URL's name + "_bench_exports"),
// created and dropped here (BENCH_KEEP_DATABASE=1 keeps it to look into; BENCH_SIZES=200,2000
// sets the round sizes). Prints one JSON document; nothing is asserted.
const SIZES = (process.env.BENCH_SIZES ?? '200,2000').split(',').map(Number);
const FORMATS = ['csv', 'xlsx', 'html'] as const;

// Every column of `table` in a SELECT list, with `overrides` (column -> SQL) put in their place.
async function copyColumns(db: DataSource, table: string, overrides: Record<string, string>) {
  const columns = await db.query<{ column_name: string }[]>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const names = columns.map((c) => c.column_name);
  return {
    into: names.map((name) => `"${name}"`).join(', '),
    select: names.map((name) => overrides[name] ?? `t."${name}"`).join(', '),
  };
}

// A round holding `copies` copies of the demo delivery round's award and everything under it.
// Ids are derived from the original id and the copy number, so references between copies line
// up. Triggers and foreign keys are off for this session while rows are copied as they stand.
async function cloneRound(db: DataSource, copies: number): Promise<string> {
  const [source] = await db.query<{ id: string }[]>(
    `SELECT id FROM funding_rounds WHERE code = 'SSF-DEMO-R'`,
  );
  const newId = (column: string) => `md5(t."${column}"::text || '-${copies}-' || n)::uuid`;
  const roundId = `md5('${source.id}-bench-${copies}')::uuid`;
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SET session_replication_role = replica`);
    await runner.startTransaction();
    const copy = async (
      table: string,
      where: string,
      overrides: Record<string, string>,
      many = true,
    ) => {
      const { into, select } = await copyColumns(db, table, overrides);
      await runner.query(
        `INSERT INTO ${table} (${into}) SELECT ${select} FROM ${table} t
         ${many ? `CROSS JOIN generate_series(1, ${copies}) AS n` : `CROSS JOIN (SELECT 0 AS n) AS one`}
         WHERE ${where}`,
      );
    };
    const inRound = `(SELECT id FROM award_decisions WHERE round_id = '${source.id}')`;
    await copy(
      'funding_rounds',
      `t.id = '${source.id}'`,
      {
        id: roundId,
        code: `'BENCH-${copies}'`,
        name: `'Benchmark round of ${copies} awards'`,
      },
      false,
    );
    await copy('bids', `t.round_id = '${source.id}'`, {
      id: newId('id'),
      round_id: roundId,
      reference: `'BENCH-${copies}-' || lpad(n::text, 5, '0') || '-' || t.reference`,
      number: `(n - 1) * 10 + t.number`,
      creation_key: 'NULL',
      pcc_rank: 'NULL',
    });
    await copy('award_decisions', `t.round_id = '${source.id}'`, {
      id: newId('id'),
      round_id: roundId,
      bid_id: newId('bid_id'),
    });
    await copy('award_lines', `t.decision_id IN ${inRound}`, { decision_id: newId('decision_id') });
    await copy('delivery_returns', `t.award_id IN ${inRound}`, {
      id: newId('id'),
      award_id: newId('award_id'),
    });
    const returns = `(SELECT id FROM delivery_returns WHERE award_id IN ${inRound})`;
    await copy('return_submissions', `t.return_id IN ${returns}`, {
      id: newId('id'),
      return_id: newId('return_id'),
    });
    await copy(
      'return_spend_lines',
      `t.submission_id IN (SELECT id FROM return_submissions WHERE return_id IN ${returns})`,
      { submission_id: newId('submission_id') },
    );
    await copy('return_payments', `t.award_id IN ${inRound}`, {
      id: newId('id'),
      return_id: newId('return_id'),
      award_id: newId('award_id'),
    });
    await runner.commitTransaction();
    const [round] = await db.query<{ id: string }[]>(
      `SELECT id FROM funding_rounds WHERE code = $1`,
      [`BENCH-${copies}`],
    );
    return round.id;
  } catch (error) {
    if (runner.isTransactionActive) {
      await runner.rollbackTransaction();
    }
    throw error;
  } finally {
    await runner.query(`SET session_replication_role = DEFAULT`);
    await runner.release();
  }
}

async function main(): Promise<void> {
  const base = loadConfig();
  const url = new URL(base.databaseUrl);
  url.pathname = `${url.pathname}_bench_exports`;
  const config = {
    ...base,
    databaseUrl: url.toString(),
    processRole: 'worker' as const,
    redisPrefix: `${base.redisPrefix}-bench-exports`,
    exportsDir: `${base.exportsDir}/bench`,
  };
  await migrate(config);
  @Module({ imports: [AppModule.forRole(config), DemoModule] })
  class BenchModule {}
  const context = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
  const results: object[] = [];
  try {
    await context.get(DemoSeedService).seed();
    const db = context.get(DataSource);
    const builder = context.get(ExportBuilder);
    const [finance] = await db.query<{ id: string }[]>(
      `SELECT id FROM users WHERE email = 'finance@demo.test'`,
    );
    for (const size of SIZES) {
      const roundId = await cloneRound(db, size);
      // As autovacuum would after a bulk load: the planner needs to know how big the tables are.
      await db.query('ANALYZE');
      for (const format of FORMATS) {
        const [row] = await db.query<{ id: string }[]>(
          `INSERT INTO report_exports (round_id, format, as_at, requested_by)
           VALUES ($1, $2, now(), $3) RETURNING id`,
          [roundId, format, finance.id],
        );
        global.gc?.();
        const startRss = process.memoryUsage().rss;
        let peakRss = startRss;
        const sampler = setInterval(() => {
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
        }, 5);
        const started = performance.now();
        await builder.build(row.id, () => Promise.resolve());
        const ms = performance.now() - started;
        clearInterval(sampler);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        const { size: bytes } = await stat(builder.filePath({ id: row.id, format }));
        results.push({
          format,
          awards: size,
          ms: Math.round(ms),
          awardsPerSecond: Math.round((size * 1000) / ms),
          fileBytes: bytes,
          peakRssAboveStartMiB: Number(((peakRss - startRss) / 1_048_576).toFixed(1)),
        });
      }
    }
  } finally {
    await context.close();
  }
  const server = new URL(url.toString());
  server.pathname = '/postgres';
  if (!process.env.BENCH_KEEP_DATABASE) {
    const admin = await new DataSource({ type: 'postgres', url: server.toString() }).initialize();
    await admin.query(`DROP DATABASE IF EXISTS "${decodeURIComponent(url.pathname.slice(1))}"`);
    await admin.destroy();
  }
  process.stdout.write(
    `${JSON.stringify({ benchmark: 'spend-summary-exports', node: process.version, results }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
