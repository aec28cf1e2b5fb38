import type { QueryRunner } from 'typeorm';

// The synthetic round the export benchmark reads: organisations and a delivered round of awards
// with their returns, submissions, spend lines, payments and year-end releases, generated with
// set-based SQL from the demo's rows.

// Each award runs two financial years: eight quarterly returns. Every return is sent except the
// last of a quarter of the awards (overdue); two returns of each award (three where the last is
// missing) were sent back once and sent again; the last of another quarter of the awards waits
// for review. So ten submissions an award, each claiming capital and revenue for its year:
// twenty return lines an award.
export const LINES_PER_AWARD = 20;

// Ids from a table's mark, the round's number and a serial: rows go in in key order.
const uuid = (mark: string, round: number, serial: string) =>
  `(('${mark}' || lpad(to_hex(${round}), 4, '0') || '-4000-8000-' ` +
  `|| lpad(to_hex(${serial}), 12, '0'))::uuid)`;

// A query's rows, typed.
export async function select<T>(
  db: QueryRunner,
  sql: string,
  parameters?: unknown[],
): Promise<T[]> {
  return (await db.query(sql, parameters)) as T[];
}

// Every column of `table` for an INSERT ... SELECT, taken from the template row `t` unless an
// override (column -> SQL) says otherwise, so the generator keeps up as columns are added.
async function columns(db: QueryRunner, table: string, overrides: Record<string, string>) {
  const rows = await select<{ column_name: string }>(
    db,
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const unknown = Object.keys(overrides).filter(
    (name) => !rows.some((r) => r.column_name === name),
  );
  if (unknown.length > 0) {
    throw new Error(`${table} has no column ${unknown.join(', ')}`);
  }
  return {
    into: rows.map((r) => `"${r.column_name}"`).join(', '),
    select: rows.map((r) => overrides[r.column_name] ?? `t."${r.column_name}"`).join(', '),
  };
}

async function insertFrom(
  db: QueryRunner,
  table: string,
  from: string,
  overrides: Record<string, string>,
): Promise<void> {
  const { into, select } = await columns(db, table, overrides);
  await db.query(`INSERT INTO ${table} (${into}) SELECT ${select} FROM ${from}`);
}

// Five more organisations in every police force area, councils and charities by turns, so a
// round's awards go to a few hundred recipients, as a national round's would.
export async function seedOrganisations(db: QueryRunner): Promise<void> {
  const [template] = await select<{ id: string }>(
    db,
    `SELECT id FROM organisations WHERE type = 'cso' ORDER BY name LIMIT 1`,
  );
  const serial = 'row_number() OVER (ORDER BY fa.code, k)';
  await insertFrom(
    db,
    'organisations',
    `organisations t CROSS JOIN police_force_areas fa CROSS JOIN generate_series(1, 5) AS k
     WHERE t.id = '${template.id}'`,
    {
      id: uuid('b9000000-', 0, serial),
      name: `fa.name || CASE WHEN k % 2 = 0 THEN ' community safety partnership '
                             ELSE ' neighbourhood trust ' END || k`,
      type: `CASE WHEN k % 2 = 0 THEN 'local_authority' ELSE 'cso' END`,
      force_area_code: 'fa.code',
      company_number: 'NULL',
      charity_number: `CASE WHEN k % 2 = 1 THEN (1100000 + ${serial})::text END`,
      gss_code: 'NULL',
      website: 'NULL',
    },
  );
}

export interface Round {
  id: string;
  code: string;
  lines: number;
}

// A delivered round of `awards` awards, built with set-based SQL (INSERT ... SELECT over
// generate_series) from the demo's delivery round, whose round, bid, award and return rows are
// the templates for the columns not set here. The awards ran the two financial years ending at
// least a year ago, so every return is due; one in fifty was withdrawn, another one in fifty
// completed, both after their last return. Loaded with session_replication_role = replica, so
// the tables' keep-history triggers (and foreign keys) let rows in that never went through the
// API; check constraints still apply.
export async function seedRound(db: QueryRunner, number: number, awards: number): Promise<Round> {
  const code = `SSF-BENCH-${number}`;
  const id = (mark: string, serial: string) => uuid(mark, number, serial);
  const [template] = await select<Record<string, string>>(
    db,
    `SELECT r.id AS round_id, a.id AS award_id, a.bid_id,
            (SELECT id FROM delivery_returns WHERE award_id = a.id
             ORDER BY period_starts_on LIMIT 1) AS return_id,
            (SELECT id FROM users WHERE email = 'applicant@demo.test') AS applicant,
            (SELECT id FROM users WHERE email = 'finance@demo.test') AS finance
     FROM funding_rounds r JOIN award_decisions a ON a.round_id = r.id AND a.status = 'active'
     WHERE r.code = 'SSF-DEMO-R'`,
  );
  if (!template) {
    throw new Error('The demo delivery round SSF-DEMO-R is missing: was the demo seeded?');
  }
  const roundId = id('b0000000-', '0');
  const year = `(extract(year FROM now())::int - 3)`;
  const fy = (offset: number) =>
    `(${year} + ${offset})::text || '/' || lpad(((${year} + ${offset + 1}) % 100)::text, 2, '0')`;
  const temp = async (name: string, select: string) => {
    await db.query(`DROP TABLE IF EXISTS ${name}`);
    await db.query(`CREATE TEMP TABLE ${name} AS ${select}`);
    await db.query(`ANALYZE ${name}`);
  };

  await db.startTransaction();
  await db.query('SET LOCAL session_replication_role = replica');
  await insertFrom(db, 'funding_rounds', `funding_rounds t WHERE t.id = '${template.round_id}'`, {
    id: roundId,
    code: `'${code}'`,
    name: `'Benchmark round ${number}: ${awards} awards'`,
    status: `'delivery'`,
    delivery_starts_on: `make_date(${year}, 4, 1)`,
    delivery_ends_on: `make_date(${year} + 2, 3, 31)`,
  });
  // The awards: n, the recipient (organisations used round robin), the four award lines.
  await temp(
    'bench_orgs',
    `SELECT row_number() OVER (ORDER BY name) - 1 AS i, id, type, force_area_code
     FROM organisations`,
  );
  await temp(
    'bench_awards',
    `SELECT n, o.id AS organisation_id, o.type, o.force_area_code,
            8000000 + (n * 7919) % 4000000 AS capital1, 2000000 + (n * 104729) % 1000000 AS revenue1,
            6000000 + (n * 6121) % 3000000 AS capital2, 2500000 + (n * 3571) % 1000000 AS revenue2,
            CASE n % 50 WHEN 17 THEN 'withdrawn' WHEN 29 THEN 'completed' ELSE 'active' END AS status
     FROM generate_series(1::bigint, ${awards}) AS n
     JOIN bench_orgs o ON o.i = (n * 7) % (SELECT count(*) FROM bench_orgs)`,
  );
  await insertFrom(
    db,
    'bids',
    `bids t CROSS JOIN bench_awards w WHERE t.id = '${template.bid_id}'`,
    {
      id: id('b1000000-', 'w.n'),
      round_id: roundId,
      organisation_id: 'w.organisation_id',
      applicant_type: 'w.type',
      force_area_code: 'w.force_area_code',
      number: 'w.n',
      reference: `'${code}-' || lpad(w.n::text, 6, '0')`,
      title: `'Safer streets project ' || w.n`,
      status: `'awarded'`,
      requested_pence: 'w.capital1 + w.revenue1 + w.capital2 + w.revenue2',
      pcc_rank: 'NULL',
      creation_key: 'NULL',
      creation_hash: 'NULL',
    },
  );
  await insertFrom(
    db,
    'award_decisions',
    `award_decisions t CROSS JOIN bench_awards w WHERE t.id = '${template.award_id}'`,
    {
      id: id('b2000000-', 'w.n'),
      round_id: roundId,
      bid_id: id('b1000000-', 'w.n'),
      organisation_id: 'w.organisation_id',
      status: 'w.status',
      amount_pence: 'w.capital1 + w.revenue1 + w.capital2 + w.revenue2',
      decided_at: `make_date(${year}, 2, 1)::timestamptz`,
      published_at: `make_date(${year}, 2, 1)::timestamptz`,
      offer_expires_at: `make_date(${year}, 3, 31)::timestamptz`,
      accepted_at: `make_date(${year}, 3, 1)::timestamptz`,
      closed_at: `CASE WHEN w.status <> 'active' THEN make_date(${year} + 2, 6, 1)::timestamptz END`,
      closed_by: `CASE WHEN w.status <> 'active' THEN t.decided_by END`,
      close_reason: `CASE WHEN w.status = 'withdrawn' THEN 'The partnership could not continue.'
                          WHEN w.status = 'completed' THEN 'Delivered.' END`,
    },
  );
  await db.query(`
    INSERT INTO award_lines (decision_id, financial_year, kind, amount_pence)
    SELECT ${id('b2000000-', 'w.n')}, y.fy, y.kind, y.amount
    FROM bench_awards w CROSS JOIN LATERAL (VALUES
      (${fy(0)}, 'capital', w.capital1), (${fy(0)}, 'revenue', w.revenue1),
      (${fy(1)}, 'capital', w.capital2), (${fy(1)}, 'revenue', w.revenue2)) AS y(fy, kind, amount)`);
  // The returns: i = 0..7 is quarter i % 4 + 1 of the award's year i / 4. By n % 4, an award
  // has its last return unsent (2), or waiting for review (3).
  await temp(
    'bench_returns',
    `SELECT w.n, i, w.n % 4 AS k, w.organisation_id,
            ${id('b3000000-', 'w.n * 8 + i')} AS return_id,
            CASE WHEN i < 4 THEN ${fy(0)} ELSE ${fy(1)} END AS financial_year,
            i % 4 + 1 AS quarter,
            (make_date(${year}, 4, 1) + make_interval(months => 3 * i))::date AS starts_on,
            (make_date(${year}, 4, 1) + make_interval(months => 3 * i + 3) - interval '1 day')::date
              AS ends_on,
            CASE WHEN i < 4 THEN w.capital1 ELSE w.capital2 END AS capital,
            CASE WHEN i < 4 THEN w.revenue1 ELSE w.revenue2 END AS revenue,
            CASE WHEN w.n % 4 = 2 THEN i IN (1, 3, 5) ELSE i IN (w.n % 4, 4 + w.n % 3) END AS resent,
            NOT (w.n % 4 = 2 AND i = 7) AS sent,
            NOT (w.n % 4 IN (2, 3) AND i = 7) AS approved
     FROM bench_awards w CROSS JOIN generate_series(0, 7) AS i`,
  );
  await insertFrom(
    db,
    'delivery_returns',
    `delivery_returns t CROSS JOIN bench_returns x WHERE t.id = '${template.return_id}'`,
    {
      id: 'x.return_id',
      award_id: id('b2000000-', 'x.n'),
      organisation_id: 'x.organisation_id',
      financial_year: 'x.financial_year',
      quarter: 'x.quarter',
      period_starts_on: 'x.starts_on',
      period_ends_on: 'x.ends_on',
      due_on: 'x.ends_on + 30',
      status: `CASE WHEN x.approved THEN 'approved' WHEN x.sent THEN 'submitted' ELSE 'due' END`,
      draft: `'{}'::jsonb`,
      submissions: 'CASE WHEN NOT x.sent THEN 0 WHEN x.resent THEN 2 ELSE 1 END',
    },
  );
  // The submissions: s = 1, and s = 2 where the first was sent back. A quarter claims up to a
  // quarter of the year's award of each kind, approved in full but now and then for a little less.
  await temp(
    'bench_submissions',
    `SELECT x.*, s, ${id('b4000000-', '(x.n * 8 + x.i) * 2 + s')} AS submission_id,
            (s = 2 OR NOT x.resent) AS final,
            x.capital / 4 - ((x.n * 31 + x.i * 17 + s) % 200000) AS claimed_capital,
            x.revenue / 4 - ((x.n * 13 + x.i * 7 + s) % 100000) AS claimed_revenue,
            CASE WHEN (x.n + x.i) % 7 = 0 THEN 50000 ELSE 0 END AS cut,
            (x.ends_on + 20 + 10 * (s - 1))::timestamptz AS submitted_at
     FROM bench_returns x CROSS JOIN generate_series(1, 2) AS s
     WHERE x.sent AND (s = 1 OR x.resent)`,
  );
  const spend = (kind: string, amount: string) =>
    `jsonb_build_object('financialYear', b.financial_year, 'kind', '${kind}', 'amountPence', ${amount})`;
  const forecast = (kind: string, amount: string) =>
    `jsonb_build_object('financialYear', CASE WHEN b.i < 3 THEN ${fy(0)} ELSE ${fy(1)} END,
                        'quarter', (b.i + 1) % 4 + 1, 'kind', '${kind}', 'amountPence', ${amount})`;
  await db.query(`
    INSERT INTO return_submissions (id, return_id, number, content, submitted_at, submitted_by,
                                    outcome, review_comment, reviewed_at, reviewed_by, payable_pence)
    SELECT b.submission_id, b.return_id, b.s,
           jsonb_build_object(
             'spend', jsonb_build_array(${spend('capital', 'b.claimed_capital')},
                                        ${spend('revenue', 'b.claimed_revenue')}),
             'forecast', CASE WHEN b.i = 7 THEN '[]'::jsonb
                              ELSE jsonb_build_array(${forecast('capital', 'b.capital / 4')},
                                                     ${forecast('revenue', 'b.revenue / 4')}) END,
             'matchFundingSpentPence', 0, 'outputs', '[]'::jsonb, 'milestones', '[]'::jsonb,
             'risks', '[]'::jsonb, 'narrative', 'Quarter ' || b.quarter || ' delivered as planned.',
             'varianceExplanation', NULL),
           b.submitted_at, '${template.applicant}',
           CASE WHEN NOT b.final THEN 'changes_requested' WHEN b.approved THEN 'approved' END,
           CASE WHEN NOT b.final THEN 'Please attach the contractor''s invoices.' END,
           CASE WHEN NOT b.final OR b.approved THEN b.submitted_at + interval '7 days' END,
           CASE WHEN NOT b.final OR b.approved THEN '${template.finance}'::uuid END,
           CASE WHEN b.final AND b.approved THEN b.claimed_capital + b.claimed_revenue - b.cut END
    FROM bench_submissions b`);
  await db.query(`
    INSERT INTO return_spend_lines (submission_id, financial_year, kind, claimed_pence, approved_pence)
    SELECT b.submission_id, b.financial_year, k.kind, k.claimed,
           CASE WHEN b.final AND b.approved THEN k.claimed - k.cut END
    FROM bench_submissions b CROSS JOIN LATERAL (VALUES
      ('capital', b.claimed_capital, b.cut), ('revenue', b.claimed_revenue, 0)) AS k(kind, claimed, cut)`);
  // Paid in arrears for every approved return, except the latest of a quarter of the awards.
  await db.query(`
    INSERT INTO return_payments (id, return_id, award_id, organisation_id, amount_pence, due_on,
                                 status, paid_on, reference, recorded_by, recorded_at)
    SELECT ${id('b5000000-', 'b.n * 8 + b.i')}, b.return_id, ${id('b2000000-', 'b.n')},
           b.organisation_id, b.claimed_capital + b.claimed_revenue - b.cut,
           (b.submitted_at + interval '37 days')::date, p.status,
           CASE WHEN p.made THEN (b.submitted_at + interval '21 days')::date END,
           CASE WHEN p.made THEN 'BACS-' || b.n || '-' || b.i END,
           CASE WHEN p.made THEN '${template.finance}'::uuid END,
           CASE WHEN p.made THEN b.submitted_at + interval '21 days' END
    FROM bench_submissions b
    CROSS JOIN LATERAL (SELECT NOT (b.k = 1 AND b.i = 7) AS made,
                               CASE WHEN b.k = 1 AND b.i = 7 THEN 'to_make' ELSE 'made' END AS status) p
    WHERE b.final AND b.approved`);
  // The first year's money not approved, released at its end.
  await db.query(`
    INSERT INTO year_end_releases (award_id, financial_year, kind, amount_pence, released_at, return_id)
    SELECT ${id('b2000000-', 'w.n')}, ${fy(0)}, k.kind, k.awarded - sum(k.approved),
           make_date(${year} + 1, 5, 15)::timestamptz, ${id('b3000000-', 'w.n * 8 + 3')}
    FROM bench_submissions b JOIN bench_awards w ON w.n = b.n
    CROSS JOIN LATERAL (VALUES ('capital', w.capital1, b.claimed_capital - b.cut),
                               ('revenue', w.revenue1, b.claimed_revenue)) AS k(kind, awarded, approved)
    WHERE b.i < 4 AND b.final AND b.approved
    GROUP BY w.n, k.kind, k.awarded
    HAVING k.awarded > sum(k.approved)`);
  await db.commitTransaction();
  const [round] = await select<{ id: string; lines: string }>(
    db,
    `SELECT r.id, (SELECT count(*) FROM award_decisions a
                   JOIN delivery_returns d ON d.award_id = a.id
                   JOIN return_submissions s ON s.return_id = d.id
                   JOIN return_spend_lines l ON l.submission_id = s.id
                   WHERE a.round_id = r.id) AS lines
     FROM funding_rounds r WHERE r.code = $1`,
    [code],
  );
  return { id: round.id, code, lines: Number(round.lines) };
}
