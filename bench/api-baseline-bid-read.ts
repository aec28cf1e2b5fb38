import { formatLondon } from '../src/common/london-time';
import { BID_CLOSES_AT_SQL } from '../src/rounds/round-deadlines';
import { User } from './api-baseline-auth';
import { cols, pick, Pool, pool, PoolClient, Row } from './api-baseline-db';

// Bids read back and shaped as the API answers them: the organisation, the joined bid query
// folded into bids, their content and DTO, and the list request built on them.

const SQL = {
  organisation: () => `SELECT ${cols('organisations', 'o')}, ${cols('police_force_areas', 'a')}
         FROM "organisations" "o" LEFT JOIN "police_force_areas" "a" ON "a"."code" = "o"."force_area_code"
         WHERE (("o"."id" = $1))`,
  bids: () => `SELECT ${cols('bids', 'b')}, ${cols('bid_cost_lines', 'cl')}, ${cols('bid_match_funding', 'mf')},
           ${cols('bid_interventions', 'i')}, ${cols('funding_rounds', 'r')}, ${cols('organisations', 'o')},
           ${BID_CLOSES_AT_SQL} AS "own_closes_at"
         FROM "bids" "b"
         LEFT JOIN "bid_cost_lines" "cl" ON "cl"."bid_id" = "b"."id"
         LEFT JOIN "bid_match_funding" "mf" ON "mf"."bid_id" = "b"."id"
         LEFT JOIN "bid_interventions" "i" ON "i"."bid_id" = "b"."id"
         LEFT JOIN "funding_rounds" "r" ON "r"."id" = "b"."round_id"
         LEFT JOIN "organisations" "o" ON "o"."id" = "b"."organisation_id"
         WHERE (("b"."id" = ANY($1)))`,
};

export async function organisationOf(db: Pool | PoolClient, id: string): Promise<Row | undefined> {
  const { rows } = await db.query<Row>(SQL.organisation(), [id]);
  return rows[0] ? pick(rows[0], 'o', 'organisations') : undefined;
}

// Rows of the joined bid query folded into bids with their lines, in the order of `ids`.
export interface LoadedBid extends Row {
  costLines: Row[];
  matchFunding: Row[];
  interventions: Row[];
  round: Row;
  organisation: Row;
  // The organisation's own close time for the round (with any extension it was given).
  closesAt: Date;
}
export async function loadBids(db: Pool | PoolClient, ids: string[]): Promise<LoadedBid[]> {
  if (ids.length === 0) {
    return [];
  }
  const { rows } = await db.query<Row>(SQL.bids(), [ids]);
  const byId = new Map<string, LoadedBid & { seen: Set<string> }>();
  for (const row of rows) {
    const id = row.b_id as string;
    let bid = byId.get(id);
    if (!bid) {
      bid = {
        ...pick(row, 'b', 'bids'),
        costLines: [],
        matchFunding: [],
        interventions: [],
        round: pick(row, 'r', 'funding_rounds'),
        organisation: pick(row, 'o', 'organisations'),
        closesAt: row.own_closes_at as Date,
        seen: new Set(),
      };
      byId.set(id, bid);
    }
    const add = (list: Row[], key: string, alias: string, table: string) => {
      if (row[`${alias}_bid_id`] !== null && !bid.seen.has(key)) {
        bid.seen.add(key);
        list.push(pick(row, alias, table));
      }
    };
    add(
      bid.costLines,
      `cl ${row.cl_financial_year as string} ${row.cl_kind as string}`,
      'cl',
      'bid_cost_lines',
    );
    add(bid.matchFunding, `mf ${row.mf_id as string}`, 'mf', 'bid_match_funding');
    add(bid.interventions, `i ${row.i_id as string}`, 'i', 'bid_interventions');
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}

const pence = (value: unknown) => Number(value);

export function content(bid: LoadedBid) {
  return {
    title: bid.title,
    summary: bid.summary,
    targetLsoas: bid.target_lsoas,
    problemProfile: bid.problem_profile,
    primaryCrimeType: bid.primary_crime_type,
    secondaryCrimeTypes: bid.secondary_crime_types,
    theoryOfChange: bid.theory_of_change,
    interventions: [...bid.interventions]
      .sort((a, b) => (a.position as number) - (b.position as number))
      .map((i) => ({
        category: i.category,
        type: i.type,
        description: i.description,
        evidence: i.evidence,
        costPence: pence(i.cost_pence),
        outputMeasure: i.output_measure,
        outputTarget: i.output_target,
      })),
    costLines: [...bid.costLines]
      .sort(
        (a, b) =>
          (a.financial_year as string).localeCompare(b.financial_year as string) ||
          (a.kind as string).localeCompare(b.kind as string),
      )
      .map((l) => ({
        financialYear: l.financial_year,
        kind: l.kind,
        amountPence: pence(l.amount_pence),
      })),
    matchFunding: [...bid.matchFunding]
      .sort((a, b) => (a.position as number) - (b.position as number))
      .map((l) => ({ source: l.source, kind: l.kind, amountPence: pence(l.amount_pence) })),
    partners: bid.partners,
    consultation: bid.consultation,
    milestones: bid.milestones,
    risks: bid.risks,
    evaluationApproach: bid.evaluation_approach,
  };
}

export function toDto(bid: LoadedBid) {
  const parts = content(bid);
  const ids = [...bid.interventions]
    .sort((a, b) => (a.position as number) - (b.position as number))
    .map((i) => i.id);
  const submittedAt = bid.submitted_at as Date | null;
  return {
    id: bid.id,
    reference: bid.reference,
    roundId: bid.round_id,
    roundCode: bid.round.code,
    organisationId: bid.organisation_id,
    organisationName: bid.organisation.name,
    applicantType: bid.applicant_type,
    forceAreaCode: bid.force_area_code,
    status: bid.status,
    ...parts,
    interventions: parts.interventions.map((intervention, n) => ({
      id: ids[n],
      ...intervention,
      evidence: intervention.evidence ?? '',
      outputMeasure: intervention.outputMeasure ?? null,
      outputTarget: intervention.outputTarget ?? null,
    })),
    requestedPence: pence(bid.requested_pence),
    matchFundingPence: pence(bid.match_funding_pence),
    endorsement: {
      state: bid.needs_endorsement ? (bid.endorsement_decision ?? 'awaiting') : 'not_required',
      reason: bid.endorsement_reason,
      decidedAt: bid.endorsement_at,
    },
    pccRank: bid.pcc_rank,
    submittedAt,
    submittedAtUkTime: submittedAt ? formatLondon(submittedAt) : null,
    submittedDigest: bid.submitted_digest,
    closesAt: bid.closesAt,
    closesAtUkTime: `${formatLondon(bid.closesAt)} (UK time)`,
    eligibilityFailureReason: bid.eligibility_failure_reason,
    withdrawnAt: bid.withdrawn_at,
    withdrawalReason: bid.withdrawal_reason,
    createdAt: bid.created_at,
    updatedAt: bid.updated_at,
    version: bid.version,
  };
}

export async function listBids(user: User, url: URL) {
  const limit = Number(url.searchParams.get('limit') ?? 20);
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const roundId = url.searchParams.get('roundId');
  const organisation = await organisationOf(pool, user.organisation_id as string);
  const area = organisation?.type === 'pcc' ? (organisation.force_area_code as string) : '';
  const where = `("b"."organisation_id" = $1 OR ("b"."force_area_code" = $2 AND "b"."status" <> 'draft'))${
    roundId ? ` AND "b"."round_id" = $3` : ''
  }`;
  const params = roundId ? [user.organisation_id, area, roundId] : [user.organisation_id, area];
  const [ids, count] = await Promise.all([
    pool.query<{ id: string }>(
      `SELECT "b"."id" AS "id" FROM "bids" "b" WHERE ${where}
       ORDER BY "b"."created_at" DESC, "b"."reference" ASC LIMIT ${limit} OFFSET ${offset}`,
      params,
    ),
    pool.query<{ cnt: string }>(`SELECT COUNT(1) AS "cnt" FROM "bids" "b" WHERE ${where}`, params),
  ]);
  const bids = await loadBids(
    pool,
    ids.rows.map((row) => row.id),
  );
  return { items: bids.map(toDto), total: Number(count.rows[0].cnt), limit, offset };
}
