// What ends every session a user has (their token version is bumped): a new password, a
// deactivation or reactivation, a new role or a new organisation. A name change does not.
export interface SessionFacts {
  role: string;
  organisationId: string | null;
  active: boolean;
}

export function endsSessions(
  before: SessionFacts,
  after: SessionFacts,
  passwordChanged: boolean,
): boolean {
  return (
    passwordChanged ||
    before.active !== after.active ||
    before.role !== after.role ||
    before.organisationId !== after.organisationId
  );
}
