import { bidContentErrors, CONTENT_FIELDS } from '../src/bids/bid-content.rules';
import { User } from './api-baseline-auth';
import { insertFor } from './api-baseline-bid-insert';
import { content, loadBids, organisationOf, toDto } from './api-baseline-bid-read';
import { cols, pick, pool, Row } from './api-baseline-db';
import { Refusal } from './api-baseline-refusal';

// Starting a draft bid, in the API's transaction and statement order: the organisation, the
// round locked and read, the bid numbered and inserted, its lines written, the totals, the bid
// read back whole, and the audit row.

const SQL = {
  lockRound: () => `SELECT ${cols('funding_rounds', 'r')} FROM "funding_rounds" "r"
         WHERE (("r"."id" = $1) AND ("r"."status" != $2)) LIMIT 1 FOR UPDATE`,
  round: () => `SELECT ${cols('funding_rounds', 'r')}, ${cols('assessment_criteria', 'c')},
           ${cols('round_year_caps', 'y')}
         FROM "funding_rounds" "r"
         LEFT JOIN "assessment_criteria" "c" ON "c"."round_id" = "r"."id"
         LEFT JOIN "round_year_caps" "y" ON "y"."round_id" = "r"."id"
         WHERE (("r"."id" = $1))`,
  nextNumber: `SELECT coalesce(max(number), 0)::int + 1 AS next FROM bids WHERE round_id = $1`,
  totals: `UPDATE bids SET
         requested_pence = (SELECT coalesce(sum(amount_pence), 0) FROM bid_cost_lines WHERE bid_id = $1),
         match_funding_pence = (SELECT coalesce(sum(amount_pence), 0) FROM bid_match_funding WHERE bid_id = $1)
       WHERE id = $1`,
  audit: `INSERT INTO "audit_events" ("actor_id", "actor_label", "command", "object_type", "object_id", "changes")
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING "id", "occurred_at"`,
};

export interface DraftBody {
  roundId?: unknown;
  title?: unknown;
  summary?: string;
  targetLsoas?: string[];
  problemProfile?: string;
  primaryCrimeType?: string | null;
  secondaryCrimeTypes?: string[];
  theoryOfChange?: string;
  interventions?: {
    category: string;
    type: string;
    description: string;
    evidence?: string;
    costPence: number;
    outputMeasure?: string | null;
    outputTarget?: number | null;
  }[];
  costLines?: { financialYear: string; kind: 'capital' | 'revenue'; amountPence: number }[];
  matchFunding?: { source: string; kind: string; amountPence: number }[];
  partners?: unknown[];
  consultation?: string;
  milestones?: { dueOn: string }[];
  risks?: unknown[];
  evaluationApproach?: string;
}

export async function createDraft(user: User, body: DraftBody) {
  if (typeof body.roundId !== 'string' || !/^[0-9a-f-]{36}$/i.test(body.roundId)) {
    throw new Refusal(400, 'validation-failed', 'roundId must be a UUID');
  }
  if (typeof body.title !== 'string' || body.title.trim().length === 0) {
    throw new Refusal(400, 'validation-failed', 'title is required');
  }
  const now = new Date();
  const db = await pool.connect();
  try {
    await db.query('START TRANSACTION');
    const organisation = await organisationOf(db, user.organisation_id as string);
    if (!organisation?.active) {
      throw new Refusal(409, 'organisation-inactive', 'Your organisation is deactivated.');
    }
    const locked = await db.query<Row>(SQL.lockRound(), [body.roundId, 'draft']);
    if (!locked.rows[0]) {
      throw new Refusal(404, 'not-found', 'Funding round not found');
    }
    const roundRows = (await db.query<Row>(SQL.round(), [body.roundId])).rows;
    const round = pick(roundRows[0], 'r', 'funding_rounds');
    const opensAt = round.opens_at as Date;
    const closesAt = round.closes_at as Date;
    if (round.status !== 'open' || now < opensAt || now >= closesAt) {
      throw new Refusal(
        409,
        'round-not-open',
        `Round ${round.code as string} is not open for bids.`,
      );
    }
    const errors = bidContentErrors(body, {
      crimeFocus: round.crime_focus as string[],
      interventionTaxonomy: round.intervention_taxonomy as never,
      deliveryStartsOn: round.delivery_starts_on as string,
      deliveryEndsOn: round.delivery_ends_on as string,
    });
    if (errors.length > 0) {
      throw new Refusal(
        422,
        'bid-content-invalid',
        'Some parts of the bid do not fit the round.',
        errors,
      );
    }
    const { next } = (await db.query<{ next: number }>(SQL.nextNumber, [round.id])).rows[0];
    const insert = insertFor({
      summary: body.summary,
      target_lsoas: body.targetLsoas,
      problem_profile: body.problemProfile,
      secondary_crime_types: body.secondaryCrimeTypes,
      theory_of_change: body.theoryOfChange,
      partners: body.partners,
      consultation: body.consultation,
      milestones: body.milestones,
      risks: body.risks,
      evaluation_approach: body.evaluationApproach,
    });
    const inserted = await db.query<{ id: string }>(
      insert.text,
      insert.values([
        round.id,
        organisation.id,
        organisation.type,
        organisation.force_area_code,
        next,
        `${round.code as string}-${String(next).padStart(4, '0')}`,
        body.title,
        body.primaryCrimeType ?? null,
        organisation.type !== 'pcc' && organisation.force_area_code !== null,
        user.id,
      ]),
    );
    const id = inserted.rows[0].id;
    if (body.costLines?.length) {
      await db.query(
        `INSERT INTO "bid_cost_lines" ("bid_id", "financial_year", "kind", "amount_pence") VALUES ${body.costLines
          .map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`)
          .join(', ')}`,
        body.costLines.flatMap((l) => [id, l.financialYear, l.kind, String(l.amountPence)]),
      );
    }
    if (body.matchFunding?.length) {
      await db.query(
        `INSERT INTO "bid_match_funding" ("bid_id", "position", "source", "kind", "amount_pence") VALUES ${body.matchFunding
          .map(
            (_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`,
          )
          .join(', ')} RETURNING "id"`,
        body.matchFunding.flatMap((l, i) => [id, i + 1, l.source, l.kind, String(l.amountPence)]),
      );
    }
    if (body.interventions?.length) {
      await db.query(
        `INSERT INTO "bid_interventions" ("bid_id", "position", "category", "type", "description",
           "evidence", "cost_pence", "output_measure", "output_target") VALUES ${body.interventions
             .map(
               (_, i) =>
                 `(${Array.from({ length: 9 }, (__, k) => `$${i * 9 + k + 1}`).join(', ')})`,
             )
             .join(', ')} RETURNING "id", "evidence"`,
        body.interventions.flatMap((v, i) => [
          id,
          i + 1,
          v.category,
          v.type,
          v.description,
          v.evidence ?? '',
          String(v.costPence),
          v.outputMeasure ?? null,
          v.outputTarget ?? null,
        ]),
      );
    }
    await db.query(SQL.totals, [id]);
    const [bid] = await loadBids(db, [id]);
    const after: Record<string, unknown> = { reference: bid.reference, ...content(bid) };
    const changes: Record<string, unknown> = {};
    for (const field of ['reference', ...CONTENT_FIELDS]) {
      const value =
        after[field] === undefined ? null : (JSON.parse(JSON.stringify(after[field])) as unknown);
      if (JSON.stringify(value) !== 'null') {
        changes[field] = { before: null, after: value };
      }
    }
    await db.query(SQL.audit, [
      user.id,
      `${user.email} (${user.role})`,
      'bid.create',
      'bid',
      id,
      JSON.stringify(changes),
    ]);
    await db.query('COMMIT');
    return toDto(bid);
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  } finally {
    db.release();
  }
}
