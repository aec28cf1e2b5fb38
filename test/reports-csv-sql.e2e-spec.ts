import { DataSource } from 'typeorm';
import { formatLondonZoned, londonZonedSql } from '../src/common/london-time';
import { sqlLiteral } from '../src/reports/export-column';
import { pounds } from '../src/reports/spend-csv';
import { poundsSql } from '../src/reports/spend-csv.sql';
import {
  spendVariancePercent,
  spendVariancePercentSql,
  underspendRisk,
  underspendRiskSql,
} from '../src/reports/spend-summary.rules';
import { csvText, csvTextSql } from '../src/reports/spreadsheet-text';
import { loadConfig } from '../src/config/load-config';

// The spend CSV is written by PostgreSQL (spend-csv.sql.ts) from SQL forms of the rules the
// other formats run in Node. Each SQL form, run on the real database, gives what its rule gives.
describe('reports: the SQL the CSV is written with gives what the rules give', () => {
  let db: DataSource;
  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: loadConfig().databaseUrl }).initialize();
  });
  afterAll(() => db.destroy());

  // Each value through `sql` (an expression over `v`, the value as text), answered as text.
  async function inSql(values: readonly string[], sql: (value: string) => string) {
    const rows = await db.query<{ out: string | null }[]>(
      `SELECT ${sql('v.v')} AS out FROM unnest($1::text[]) WITH ORDINALITY AS v(v, n) ORDER BY v.n`,
      [values],
    );
    return rows.map((row) => row.out);
  }

  it('quotes and guards text as csvText does', async () => {
    const texts = [
      '',
      'Cleveland & Co',
      'Byker = Walker',
      '=HYPERLINK("http://evil.example";"x"),-2',
      'Lights;=1+2;@SUM(1+1)',
      '+44 20 7946 0000',
      '-5',
      '@home',
      '\t\tTabbed',
      '\r=carriage',
      'a, "=b',
      'line one\n=line two',
      'pipe|-x',
      '  =spaced',
      '"quoted" name',
      'Ysgol Gymraeg Aberystwyth – Cymru £ é',
      'back\\slash',
    ];
    expect(await inSql(texts, csvTextSql)).toEqual(texts.map((text) => csvText(text)));
    expect(await inSql(['x'], () => csvTextSql('NULL::text'))).toEqual(['']);
  });

  it('writes pence as pounds as pounds() does', async () => {
    const pence = ['0', '5', '-5', '99', '100', '-100', '-123456', '33385228', '12345678901'];
    expect(await inSql(pence, (value) => poundsSql(`${value}::bigint`))).toEqual(
      pence.map((value) => pounds(value)),
    );
    expect(await inSql(['x'], () => poundsSql('NULL::bigint'))).toEqual([pounds(null)]);
  });

  it('rounds variance as spendVariancePercent does', async () => {
    const pairs: [number, number][] = [
      [1000, 1005],
      [1000, 995],
      [1000, 1004],
      [1000, 996],
      [1000, 0],
      [0, 500],
      [300_000, 270_000],
      [2_528_162, 2_528_115],
      [7, 3],
      [3, 7],
    ];
    const rows = await db.query<{ out: string | null }[]>(
      `SELECT (${spendVariancePercentSql('p.p', 'p.c')})::text AS out
       FROM unnest($1::bigint[], $2::numeric[]) WITH ORDINALITY AS p(p, c, n) ORDER BY p.n`,
      [pairs.map(([profile]) => profile), pairs.map(([, claimed]) => claimed)],
    );
    expect(rows.map((row) => (row.out === null ? null : Number(row.out)))).toEqual(
      pairs.map(([profile, claimed]) => spendVariancePercent(profile, claimed)),
    );
  });

  it('judges underspend risk as underspendRisk does', async () => {
    const cases = [
      {
        status: 'active',
        awardedPence: 1000,
        claimedPence: 0,
        forecastPence: 0,
        releasedPence: 0,
        overdueReturns: 1,
      },
      {
        status: 'active',
        awardedPence: 1000,
        claimedPence: 0,
        forecastPence: 0,
        releasedPence: 0,
        overdueReturns: 0,
      },
      {
        status: 'active',
        awardedPence: 1000,
        claimedPence: 899,
        forecastPence: 0,
        releasedPence: 0,
        overdueReturns: 0,
      },
      {
        status: 'active',
        awardedPence: 1000,
        claimedPence: 900,
        forecastPence: 0,
        releasedPence: 0,
        overdueReturns: 0,
      },
      {
        status: 'active',
        awardedPence: 1000,
        claimedPence: 100,
        forecastPence: 50,
        releasedPence: 900,
        overdueReturns: 0,
      },
      {
        status: 'active',
        awardedPence: 1000,
        claimedPence: 10,
        forecastPence: 0,
        releasedPence: 1000,
        overdueReturns: 3,
      },
      {
        status: 'withdrawn',
        awardedPence: 1000,
        claimedPence: 1,
        forecastPence: 0,
        releasedPence: 0,
        overdueReturns: 3,
      },
    ];
    for (const facts of cases) {
      const [row] = await db.query<{ out: boolean }[]>(
        `SELECT ${underspendRiskSql(
          {
            status: sqlLiteral(facts.status),
            awardedPence: String(facts.awardedPence),
            claimedPence: `${facts.claimedPence}::numeric`,
            forecastPence: String(facts.forecastPence),
            releasedPence: String(facts.releasedPence),
            overdueReturns: String(facts.overdueReturns),
          },
          '10',
        )} AS out`,
      );
      expect({ facts, risk: row.out }).toEqual({ facts, risk: underspendRisk(facts, 10) });
    }
  });

  it('shows a moment on the UK clock with its zone as formatLondonZoned does', async () => {
    const moments = [
      '2026-04-01T08:00:05.999Z',
      '2026-01-15T00:30:00Z',
      '2026-03-29T00:59:59Z',
      '2026-03-29T01:00:00Z',
      '2026-10-25T00:59:59Z',
      '2026-10-25T01:00:00Z',
      '2026-12-31T23:59:59.5Z',
    ];
    expect(await inSql(moments, (value) => londonZonedSql(`${value}::timestamptz`))).toEqual(
      moments.map((moment) => formatLondonZoned(new Date(moment))),
    );
  });
});
