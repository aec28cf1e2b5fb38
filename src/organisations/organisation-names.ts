// Organisations' names as they were at an instant, as SQL over organisation_names (written by
// the database on every create and rename; see OrganisationName). `asOf` is an SQL expression.
// An organisation's name then is the name of its latest period begun by then; before the first
// (a moment before the organisation's row was made, as a backdated award can be), the first name
// it had.
//
// One row per organisation, (organisation_id, name): joined by key, each organisation's name is
// worked out once however many rows read it (a round's awards share a few hundred recipients).
export function organisationNamesAtSql(asOf: string): string {
  return `(SELECT DISTINCT ON (n.organisation_id) n.organisation_id, n.name
     FROM organisation_names n
     ORDER BY n.organisation_id,
              CASE WHEN n.valid_from <= ${asOf} THEN n.valid_from END DESC NULLS LAST, n.valid_from)`;
}
