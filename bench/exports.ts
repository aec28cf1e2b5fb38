import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource, type QueryRunner } from 'typeorm';
import { loadConfig } from '../src/config/load-config';
import { SpendCacheService } from '../src/reports/spend-cache.service';
import { countLines, exportSql, timeCopy } from './export-copy';
import { LINES_PER_AWARD, seedOrganisations, seedRound } from './export-data';
import { plainLinesTable, timePlainCopy } from './export-floor';
import { buildExport } from './export-run';
import { timeSummaryReads } from './spend-summary-reads';
import { median, recordResult, round2 } from './results';
import { benchConfig, benchEnv, clearRedis, dropDatabase, freshDatabase, runMain } from './support';

// The spend-summary exports of a round of BENCH_EXPORT_LINES return lines (rows of
// return_spend_lines; default 1,000,000), built by the real job: a worker started as production
// starts it (`node --max-semi-space-size=8 dist/src/main.js`, PROCESS_ROLE=worker,
// NODE_ENV=production; bench/export-run.ts) takes the `build` job from the
// `exports` queue. Its time is the job's (BullMQ's processedOn to finishedOn); its memory the
// worker's peak resident set (VmHWM from /proc), so Node, Nest and every module count too; a
// fresh worker builds each export (bench/export-run.ts). The baseline is PostgreSQL alone: psql
// running `COPY (the SELECT the export streams) TO STDOUT (FORMAT csv, HEADER)` into a file, in a
// transaction like the export's and with its settings, timed until psql exits
// (bench/export-copy.ts). The floor beside it: the round's 1,000,000 return lines copied plain
// into a table of their own and COPYed out as CSV through pg (bench/export-floor.ts), against
// which the CSV job's time is the ratio in export_floor. The CSV is built again for a round of BENCH_SCALING_SMALL lines
// (default 10,000): memory should not grow with the round. The rounds are generated with SQL
// (bench/export-data.ts). Last, the queries `GET /rounds/{id}/spend-summary` runs for a round of
// 50 awards, timed against a plain read of its lines (bench/spend-summary-reads.ts; target: under
// 50 ms).
//
// Everything runs in a database of its own (DATABASE_URL's name + "_bench_exports"), created,
// migrated, demo-seeded and dropped at the end with the files (BENCH_KEEP_DATABASE=1 keeps
// both), on a Redis prefix of its own. Figures go to bench/results.json (export_csv,
// export_floor, export_xlsx, export_scaling, spend_summary_50_awards); what they rest on is printed to stderr.

function lines(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 20) {
    throw new Error(`${name} must be a whole number of return lines, at least 20`);
  }
  return value;
}
const LINES = lines('BENCH_EXPORT_LINES', 1_000_000);
const SMALL = lines('BENCH_SCALING_SMALL', 10_000);
const KEEP = ['1', 'true'].includes(process.env.BENCH_KEEP_DATABASE ?? '');
const MB = 1024 * 1024;
const log = (line: string) => process.stderr.write(`[bench exports] ${line}\n`);
const since = (started: number) => `${((performance.now() - started) / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const bench = benchConfig('exports');
  const name = decodeURIComponent(new URL(bench.databaseUrl).pathname.slice(1));
  const dir = join(bench.files.dir, 'bench');
  const env = benchEnv(bench, { FILES_DIR: dir, MAIL_DIR: join(dir, 'mail') });
  const config = loadConfig(env);
  const source = new DataSource({ type: 'postgres', url: config.databaseUrl });
  let db: QueryRunner | undefined;
  try {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    let started = performance.now();
    await freshDatabase(config, true);
    log(`database ${name} migrated and demo-seeded in ${since(started)}`);
    await source.initialize();
    db = source.createQueryRunner();
    await db.connect();
    // The generator's plans cost millions: compiling them (JIT) takes longer than running them.
    await db.query('SET jit = off');
    started = performance.now();
    await seedOrganisations(db);
    const large = await seedRound(db, 1, Math.round(LINES / LINES_PER_AWARD));
    const small = await seedRound(db, 2, Math.round(SMALL / LINES_PER_AWARD));
    const fifty = await seedRound(db, 3, 50);
    // As autovacuum would after a bulk load: the visibility map, and statistics for the planner.
    await db.query('VACUUM ANALYZE');
    log(`${large.lines} + ${small.lines} return lines generated and vacuumed in ${since(started)}`);
    // The awards' spend facts worked out and kept, as the job after each export and the nightly
    // sweep keep them (the generator loads with triggers off, so nothing marks them).
    const spendCache = new SpendCacheService(source);
    started = performance.now();
    const kept = await spendCache.refreshRound(large.id);
    const refreshSeconds = (performance.now() - started) / 1000;
    await spendCache.refreshRound(small.id);
    await spendCache.refreshRound(fifty.id);
    await db.query('VACUUM ANALYZE spend_cache_awards, spend_cache_years, spend_cache_quarters');
    log(
      `spend facts of the ${kept} awards of ${large.lines} lines kept in ${refreshSeconds.toFixed(1)} s`,
    );

    const asAt = new Date();
    const copyFile = join(dir, 'copy.csv');
    const figures = async (format: 'csv' | 'xlsx') => {
      const copy = await timeCopy(config.databaseUrl, exportSql(format, large.id, asAt), copyFile);
      const copyLines = await countLines(copyFile);
      const ours = await buildExport(db as QueryRunner, config, env, large, format, asAt);
      log(
        `${format}: the job ${ours.seconds.toFixed(2)} s, ${(ours.bytes / MB).toFixed(1)} MiB` +
          (format === 'csv' ? `, ${await countLines(ours.file)} lines` : '') +
          `; worker ${ours.idleRssMb.toFixed(0)} MiB idle, ${ours.peakRssMb.toFixed(0)} MiB at ` +
          `peak; COPY ${copy.seconds.toFixed(2)} s, ${(copy.bytes / MB).toFixed(1)} MiB, ` +
          `${copyLines} lines`,
      );
      await rm(ours.file, { force: true });
      return {
        rows: large.lines,
        ours_s: round2(ours.seconds),
        copy_s: round2(copy.seconds),
        ratio: round2(ours.seconds / copy.seconds),
        peak_rss_mb: round2(ours.peakRssMb),
      };
    };
    const csv = await figures('csv');
    recordResult('export_csv', csv);
    // The floor: the round's return lines, plain, COPYed out through pg in the same run. Both it
    // and our CSV job are the middle of three passes: either moves by a quarter between passes
    // on this shared machine.
    const plain = await plainLinesTable(db, large);
    const floors: number[] = [];
    let floorBytes = 0;
    for (let pass = 0; pass < 3; pass += 1) {
      const floorPass = await timePlainCopy(config.databaseUrl, plain, copyFile);
      floors.push(floorPass.seconds);
      floorBytes = floorPass.bytes;
    }
    const floor = { seconds: median(floors) };
    const floorLines = (await countLines(copyFile)) - 1;
    const jobs = [csv.ours_s];
    for (let pass = 1; pass < 3; pass += 1) {
      const again = await buildExport(db, config, env, large, 'csv', asAt);
      await rm(again.file, { force: true });
      jobs.push(again.seconds);
    }
    const oursCsv = median(jobs);
    log(
      `floor: COPY of ${floorLines} plain return lines through pg ${floors.map((x) => x.toFixed(2)).join(', ')} s, ` +
        `${(floorBytes / MB).toFixed(1)} MiB; our CSV ${jobs.map((x) => x.toFixed(2)).join(', ')} s`,
    );
    const floorFigures = {
      rows: floorLines,
      raw_copy_s: round2(floor.seconds),
      ours_csv_s: round2(oursCsv),
      ratio: round2(oursCsv / floor.seconds),
      spend_facts_kept_s: round2(refreshSeconds),
    };
    recordResult('export_floor', floorFigures);
    recordResult('export_xlsx', await figures('xlsx'));
    // For comparison only: the same COPY with the server's defaults (JIT, parallel workers).
    const defaults = await timeCopy(
      config.databaseUrl,
      exportSql('csv', large.id, asAt),
      copyFile,
      '',
    );
    log(`csv: COPY with the server's default settings ${defaults.seconds.toFixed(2)} s`);
    await rm(copyFile, { force: true });

    const scaled = await buildExport(db, config, env, small, 'csv', asAt);
    log(
      `csv of ${small.lines} lines: the job ${scaled.seconds.toFixed(2)} s; worker ` +
        `${scaled.idleRssMb.toFixed(0)} MiB idle, ${scaled.peakRssMb.toFixed(0)} MiB at peak`,
    );
    recordResult('export_scaling', {
      peak_rss_mb_10k: round2(scaled.peakRssMb),
      peak_rss_mb_1m: csv.peak_rss_mb,
    });

    // Last, as after every award's facts changed: nothing kept, everything worked out as at the
    // moment in the export itself (the job keeps the facts again after it).
    await db.query('DELETE FROM spend_cache_awards WHERE round_id = $1', [large.id]);
    const cold = await buildExport(db, config, env, large, 'csv', asAt);
    await rm(cold.file, { force: true });
    log(`csv with nothing kept: the job ${cold.seconds.toFixed(2)} s`);
    recordResult('export_floor', {
      ...floorFigures,
      ours_csv_nothing_kept_s: round2(cold.seconds),
      nothing_kept_ratio: round2(cold.seconds / floor.seconds),
    });

    // The summary of a 50-award round, as the route reads it: target under 50 ms.
    const reads = await timeSummaryReads(db, fifty, asAt);
    log(
      `spend summary of ${fifty.lines} lines (50 awards): queries p50 ${reads.ours.p50.toFixed(1)} ms, ` +
        `p95 ${reads.ours.p95.toFixed(1)} ms; plain read of its lines p50 ${reads.plain.p50.toFixed(1)} ms`,
    );
    recordResult('spend_summary_50_awards', {
      lines: fifty.lines,
      p50_ms: round2(reads.ours.p50),
      p95_ms: round2(reads.ours.p95),
      plain_p50_ms: round2(reads.plain.p50),
      ratio: round2(reads.ours.p50 / reads.plain.p50),
    });
  } finally {
    await db?.release();
    if (source.isInitialized) {
      await source.destroy();
    }
    await clearRedis(config);
    if (!KEEP) {
      await dropDatabase(config);
      await rm(dir, { recursive: true, force: true });
    }
  }
}

runMain(main);
