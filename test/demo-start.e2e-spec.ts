import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/load-config';
import { ensureTestBuild } from './support/test-build';
import { migrateAndSeed, onServer } from './support/test-database';

// The start command's `seed-demo --if-empty` on a database seeded earlier and used since: the
// roster it prints is the demo accounts as they are now, not as they were seeded. On a database
// of its own, since the suite changes demo users that other suites sign in as.
describe('the demo roster a start prints', () => {
  const base = new URL(process.env.DATABASE_URL as string);
  const database = `${decodeURIComponent(base.pathname.slice(1))}_demo_start`;
  const url = new URL(base);
  url.pathname = `/${database}`;
  let db: DataSource;

  beforeAll(async () => {
    await onServer(
      `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`,
      `CREATE DATABASE "${database}"`,
    );
    await migrateAndSeed(loadConfig({ ...process.env, DATABASE_URL: url.toString() }));
    db = await new DataSource({ type: 'postgres', url: url.toString() }).initialize();
  }, 180_000);
  afterAll(async () => {
    await db?.destroy();
    await onServer(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  const start = async () => {
    const build = await ensureTestBuild();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(build, 'src', 'cli.js'), 'seed-demo', '--if-empty'],
      { env: { ...process.env, DATABASE_URL: url.toString() } },
    );
    return stdout;
  };
  const lineOf = (out: string, email: string) =>
    out.split('\n').find((line) => line.trim().startsWith(`${email} `)) ?? '';

  it('shows each demo account with its role and standing now, after changes since the seed', async () => {
    await db.query(`UPDATE users SET role = 'moderator' WHERE email = 'approver@demo.test'`);
    await db.query(`UPDATE users SET active = false WHERE email = 'charity@demo.test'`);
    const out = await start();
    expect(out).toContain('Demo data already present');
    expect(lineOf(out, 'approver@demo.test')).toMatch(/\bmoderator\b/);
    expect(lineOf(out, 'approver@demo.test')).not.toMatch(/\bapprover\b(?!@)/);
    expect(lineOf(out, 'charity@demo.test')).toMatch(/deactivated/);
    expect(lineOf(out, 'applicant@demo.test')).toMatch(/applicant \(Police and Crime Commissioner/);
    expect(lineOf(out, 'applicant@demo.test')).not.toMatch(/deactivated/);
  }, 180_000);
});
