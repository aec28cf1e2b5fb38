// An organisation's name as it was at an instant, as SQL over organisation_names (written by the
// database on every create and rename; see OrganisationName). `organisationId` and `asOf` are SQL
// expressions. The name of the latest period begun by then; before the first (a moment before
// the organisation's row was made, as a backdated award can be), the first name it had.
export function organisationNameAtSql(organisationId: string, asOf: string): string {
  return `(SELECT n.name FROM organisation_names n
     WHERE n.organisation_id = ${organisationId}
     ORDER BY CASE WHEN n.valid_from <= ${asOf} THEN n.valid_from END DESC NULLS LAST, n.valid_from
     LIMIT 1)`;
}
