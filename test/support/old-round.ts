import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { uniqueSuffix } from './factories';

// A round that closed in March 2012 and was delivered in 2012/13, inserted directly (no HTTP
// story): an unsuccessful bid and a funded one whose award of £80,000 capital and £20,000
// revenue was accepted, delivered over four approved and paid returns and completed; their
// bidder, who last signed in in 2012, with an old session, link, sign-in record and email.
// Everything personal holds PERSONAL markers the test looks for afterwards.
export const PERSONAL = {
  partner: 'Jo Bloggs',
  phone: '07700 900123',
  address: '203.0.113.7',
  signatory: 'Sam Signer',
};

export interface OldRound {
  roundId: string;
  bidderId: string;
  bidderEmail: string;
  unfundedBidId: string;
  fundedBidId: string;
  awardId: string;
  sessionId: string;
  linkId: string;
  signInEventId: string;
  emailId: string;
  documentId: string;
  documentKey: string;
}

const QUARTERS = [
  { quarter: 1, starts: '2012-04-01', ends: '2012-06-30', due: '2012-07-30' },
  { quarter: 2, starts: '2012-07-01', ends: '2012-09-30', due: '2012-10-30' },
  { quarter: 3, starts: '2012-10-01', ends: '2012-12-31', due: '2013-01-30' },
  { quarter: 4, starts: '2013-01-01', ends: '2013-03-31', due: '2013-04-30' },
];

async function one<T>(db: DataSource, sql: string, params: unknown[]): Promise<T> {
  const rows = await db.query<T[]>(sql, params);
  return rows[0];
}

async function idOf(db: DataSource, email: string): Promise<string> {
  return (await one<{ id: string }>(db, `SELECT id FROM users WHERE email = $1`, [email])).id;
}

export async function seedOldRound(db: DataSource): Promise<OldRound> {
  const suffix = uniqueSuffix().toLowerCase();
  const org = await one<{ id: string; force_area_code: string }>(
    db,
    `SELECT id, force_area_code FROM organisations WHERE name = $1`,
    ['Police and Crime Commissioner for Northumbria'],
  );
  const approver = await idOf(db, 'approver@demo.test');
  const finance = await idOf(db, 'finance@demo.test');
  const payer = await idOf(db, 'payments@demo.test');
  const bidderEmail = `old-bidder-${suffix}@applicant.example`;
  const { id: bidderId } = await one<{ id: string }>(
    db,
    `INSERT INTO users (email, name, role, organisation_id, active, created_at, last_login_at, version)
     VALUES ($1, $2, 'applicant', $3, true, '2011-11-01', '2012-03-01', 1) RETURNING id`,
    [bidderEmail, `Olive Oldbidder ${suffix}`, org.id],
  );
  const code = `OLD${suffix
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 8)
    .toUpperCase()}`;
  const { id: roundId } = await one<{ id: string }>(
    db,
    `INSERT INTO funding_rounds (code, name, status, award_type, budget_pence, opens_at, closes_at,
       delivery_starts_on, delivery_ends_on, eligible_applicant_types, cap_per_bid_pence,
       match_funding_percent, bid_limit_scope, bid_limit, intervention_taxonomy,
       divergence_threshold, quality_threshold, version)
     VALUES ($1, $2, 'delivery', 'competitive', 50000000, '2012-01-02T09:00:00Z',
       '2012-03-01T23:59:00Z', '2012-04-01', '2013-03-31', '{pcc}', 20000000, '{}', 'applicant', 3,
       '[]', 20, 50, 1) RETURNING id`,
    [code, `Old round ${suffix}`],
  );
  const bid = async (number: number, status: string) => {
    const { id } = await one<{ id: string }>(
      db,
      `INSERT INTO bids (round_id, organisation_id, applicant_type, force_area_code, number,
         reference, title, summary, problem_profile, theory_of_change, partners, consultation,
         evaluation_approach, requested_pence, needs_endorsement, created_by, created_at, version)
       VALUES ($1, $2, 'pcc', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 10000000, false, $13,
         '2012-02-01', 1) RETURNING id`,
      [
        roundId,
        org.id,
        org.force_area_code,
        number,
        `${code}-000${number}`,
        `Alley gates in Byker ${number}`,
        `Led by ${PERSONAL.partner}, call ${PERSONAL.phone}`,
        `Burglary reported to ${PERSONAL.partner}`,
        'Gates stop through routes',
        JSON.stringify([{ name: PERSONAL.partner, role: 'Neighbourhood Watch coordinator' }]),
        `Residents met ${PERSONAL.partner} (${PERSONAL.phone})`,
        `Evaluated by ${PERSONAL.partner}`,
        bidderId,
      ],
    );
    await db.query(
      `INSERT INTO bid_cost_lines (bid_id, financial_year, kind, amount_pence)
       VALUES ($1, '2012/13', 'capital', 8000000), ($1, '2012/13', 'revenue', 2000000)`,
      [id],
    );
    await db.query(
      `UPDATE bids SET status = $2, submitted_at = '2012-02-20', submitted_by = $3 WHERE id = $1`,
      [id, status, bidderId],
    );
    await db.query(
      `INSERT INTO audit_events (occurred_at, actor_id, actor_label, command, object_type, object_id, changes)
       VALUES ('2012-02-01', $1, $2, 'bid.create', 'bid', $3, $4)`,
      [
        bidderId,
        `${bidderEmail} (applicant)`,
        id,
        JSON.stringify({
          reference: { before: null, after: `${code}-000${number}` },
          consultation: { before: null, after: `Residents met ${PERSONAL.partner}` },
          partners: { before: null, after: [{ name: PERSONAL.partner, role: 'coordinator' }] },
        }),
      ],
    );
    return id;
  };
  const unfundedBidId = await bid(1, 'unsuccessful');
  const fundedBidId = await bid(2, 'awarded');
  await db.query(
    `INSERT INTO award_decisions (round_id, bid_id, organisation_id, outcome, status, amount_pence,
       conditions, rejection_reason, feedback, decided_by, decided_at, version)
     VALUES ($1, $2, $3, 'reject', 'rejected', 0, '{}', 'Below the quality threshold',
       'The problem profile lacked crime data', $4, '2012-04-15', 1)`,
    [roundId, unfundedBidId, org.id, approver],
  );
  const { id: awardId } = await one<{ id: string }>(
    db,
    `INSERT INTO award_decisions (round_id, bid_id, organisation_id, outcome, status, amount_pence,
       conditions, decided_by, decided_at, accepted_at, accepted_by, signatory_name,
       signatory_position, closed_at, version)
     VALUES ($1, $2, $3, 'award', 'completed', 10000000, '{}', $4, '2012-03-15', '2012-03-20',
       $5, $6, 'Chief Executive', '2013-05-31', 1) RETURNING id`,
    [roundId, fundedBidId, org.id, approver, bidderId, PERSONAL.signatory],
  );
  await db.query(
    `INSERT INTO award_lines (decision_id, financial_year, kind, amount_pence)
     VALUES ($1, '2012/13', 'capital', 8000000), ($1, '2012/13', 'revenue', 2000000)`,
    [awardId],
  );
  for (const q of QUARTERS) {
    const capital = 1_900_000 + q.quarter * 10_000;
    const revenue = 450_000 + q.quarter;
    const { id: returnId } = await one<{ id: string }>(
      db,
      `INSERT INTO delivery_returns (award_id, organisation_id, financial_year, quarter,
         period_starts_on, period_ends_on, due_on, status, submissions, version)
       VALUES ($1, $2, '2012/13', $3, $4, $5, $6, 'due', 1, 1) RETURNING id`,
      [awardId, org.id, q.quarter, q.starts, q.ends, q.due],
    );
    const submittedAt = `${q.due}T09:00:00Z`;
    const content = {
      spend: [
        { financialYear: '2012/13', kind: 'capital', amountPence: capital },
        { financialYear: '2012/13', kind: 'revenue', amountPence: revenue },
      ],
      forecast: [],
      matchFundingSpentPence: 0,
      outputs: [],
      milestones: [],
      risks: [],
      narrative: `Quarter ${q.quarter} delivered`,
    };
    const { id: submissionId } = await one<{ id: string }>(
      db,
      `INSERT INTO return_submissions (return_id, number, content, submitted_at, submitted_by)
       VALUES ($1, 1, $2, $3, $4) RETURNING id`,
      [returnId, JSON.stringify(content), submittedAt, bidderId],
    );
    await db.query(
      `INSERT INTO return_spend_lines (submission_id, financial_year, kind, claimed_pence, approved_pence)
       VALUES ($1, '2012/13', 'capital', $2, $2), ($1, '2012/13', 'revenue', $3, $3)`,
      [submissionId, capital, revenue],
    );
    const reviewedAt = `${q.due}T15:00:00Z`;
    await db.query(
      `UPDATE return_submissions SET outcome = 'approved', reviewed_at = $2, reviewed_by = $3,
         payable_pence = $4 WHERE id = $1`,
      [submissionId, reviewedAt, finance, capital + revenue],
    );
    await db.query(`UPDATE delivery_returns SET status = 'approved' WHERE id = $1`, [returnId]);
    await db.query(
      `INSERT INTO return_payments (return_id, award_id, organisation_id, amount_pence, due_on,
         status, paid_on, reference, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, 'made', $5, $6, $7, $8)`,
      [
        returnId,
        awardId,
        org.id,
        capital + revenue,
        q.due,
        `BACS-OLD-${q.quarter}`,
        payer,
        `${q.due}T16:00:00Z`,
      ],
    );
  }
  const { id: sessionId } = await one<{ id: string }>(
    db,
    `INSERT INTO user_sessions (user_id, method, token_version, refresh_token_hash, device_label,
       address, created_at, last_used_at)
     VALUES ($1, 'password', 0, $2, 'Firefox on Windows', $3, '2012-03-01', '2012-03-01')
     RETURNING id`,
    [bidderId, randomUUID(), PERSONAL.address],
  );
  const { id: linkId } = await one<{ id: string }>(
    db,
    `INSERT INTO account_links (user_id, purpose, token_hash, expires_at, used_at, created_at)
     VALUES ($1, 'invitation', $2, '2011-11-08', '2011-11-02', '2011-11-01') RETURNING id`,
    [bidderId, randomUUID()],
  );
  const { id: signInEventId } = await one<{ id: string }>(
    db,
    `INSERT INTO audit_events (occurred_at, actor_id, actor_label, command, object_type, object_id, changes)
     VALUES ('2012-03-01', $1::uuid, $2, 'auth.sign-in', 'user', $1::text, $3) RETURNING id`,
    [
      bidderId,
      `${bidderEmail} (applicant)`,
      JSON.stringify({
        method: { before: null, after: 'password' },
        address: { before: null, after: PERSONAL.address },
      }),
    ],
  );
  const { id: emailId } = await one<{ id: string }>(
    db,
    `INSERT INTO email_outbox (dedupe_key, template, recipients, data, object_type, object_id,
       status, subject, created_at, sent_at)
     VALUES ($1, 'bid-submitted', $2, $3, 'bid', $4, 'sent', 'Bid received', '2012-02-20', '2012-02-20')
     RETURNING id`,
    [
      `bid:${unfundedBidId}:submitted`,
      [bidderEmail],
      JSON.stringify({ name: PERSONAL.partner, reference: `${code}-0001` }),
      unfundedBidId,
    ],
  );
  const documentId = randomUUID();
  const documentKey = `documents/${documentId}`;
  await db.query(
    `INSERT INTO supporting_documents (id, owner_type, owner_id, storage_key, file_name, media_type,
       size_bytes, sha256, scan_status, uploaded_by, uploaded_at)
     VALUES ($1, 'bid', $2, $3, $4, 'application/pdf', 10, $5, 'clean', $6, '2012-02-10')`,
    [
      documentId,
      unfundedBidId,
      documentKey,
      `Letter from ${PERSONAL.partner}.pdf`,
      'a'.repeat(64),
      bidderId,
    ],
  );
  // Closed out last: once it is, the database refuses any change to the round's money.
  await db.query(`UPDATE funding_rounds SET status = 'closed_out' WHERE id = $1`, [roundId]);
  return {
    roundId,
    bidderId,
    bidderEmail,
    unfundedBidId,
    fundedBidId,
    awardId,
    sessionId,
    linkId,
    signInEventId,
    emailId,
    documentId,
    documentKey,
  };
}
