// The bid INSERT names only the columns the request sets, so the others take their defaults,
// as TypeORM's does; one statement text per shape of request.
const insertCache = new Map<string, string>();
const OPTIONAL = [
  'summary',
  'target_lsoas',
  'problem_profile',
  'secondary_crime_types',
  'theory_of_change',
  'partners',
  'consultation',
  'milestones',
  'risks',
  'evaluation_approach',
] as const;
export function insertFor(sent: Record<string, unknown>): {
  text: string;
  values: (v: unknown[]) => unknown[];
} {
  const present = OPTIONAL.filter((column) => sent[column] !== undefined);
  const key = present.join(',');
  let text = insertCache.get(key);
  if (!text) {
    const columns = [
      'round_id',
      'organisation_id',
      'applicant_type',
      'force_area_code',
      'number',
      'reference',
      'status',
      'title',
      ...present,
      'primary_crime_type',
      'needs_endorsement',
      'created_by',
      'version',
    ];
    const values = columns.map((column, i) =>
      column === 'status' ? `'draft'` : column === 'version' ? '1' : `$${i + 1 - (i > 6 ? 1 : 0)}`,
    );
    text = `INSERT INTO "bids" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${values.join(', ')})
      RETURNING "id", "status", "summary", "target_lsoas", "problem_profile", "secondary_crime_types",
        "theory_of_change", "partners", "consultation", "milestones", "risks", "evaluation_approach",
        "requested_pence", "match_funding_pence", "created_at", "updated_at", "version"`;
    insertCache.set(key, text);
  }
  return {
    text,
    values: (fixed) => [
      ...fixed.slice(0, 7),
      ...present.map((column) => json(column, sent[column])),
      ...fixed.slice(7),
    ],
  };
}
// jsonb columns go as JSON text (as TypeORM sends them); text[] columns as arrays.
const JSONB = new Set(['partners', 'milestones', 'risks']);
function json(column: string, value: unknown): unknown {
  return JSONB.has(column) ? JSON.stringify(value) : value;
}
