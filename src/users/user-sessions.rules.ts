import { type Placement, placementChanged } from './separation.rules';

// What ends every session a user has (their token version is bumped): a new password, a
// deactivation or reactivation, a new role or a new organisation. A name change does not.
export interface SessionFacts extends Placement {
  active: boolean;
}

export function endsSessions(
  before: SessionFacts,
  after: SessionFacts,
  passwordChanged: boolean,
): boolean {
  return passwordChanged || before.active !== after.active || placementChanged(before, after);
}
