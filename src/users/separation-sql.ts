// Separation of duties in SQL, for the store's reads and for lists of what a user may act on.

// Every organisation each of the users (an SQL uuid[] expression) ever belonged to: their
// recorded spells, and what the user row says now (so a user written by any other path is never
// missed). Columns user_id, organisation_id.
export function organisationsEverOfSql(userIds: string): string {
  return `SELECT user_id, organisation_id FROM user_memberships
           WHERE user_id = ANY(${userIds}) AND organisation_id IS NOT NULL
          UNION
          SELECT id, organisation_id FROM users
           WHERE id = ANY(${userIds}) AND organisation_id IS NOT NULL`;
}

// separation.rules.ts#bidTie as SQL, for lists of what a user may act on: true when the user (an
// SQL uuid expression) created or submitted the bid `b`, or ever belonged to its organisation.
export function bidTiedSql(userId: string): string {
  return `(b.created_by = ${userId} OR b.submitted_by IS NOT DISTINCT FROM ${userId}
    OR b.organisation_id IN (
      SELECT ever.organisation_id FROM (${organisationsEverOfSql(`ARRAY[${userId}]::uuid[]`)}) ever))`;
}
