import type { Role } from '../common/access';

// Who may open each part of the portal, by the first segment of its pages' paths. The API
// refuses what a person may not read, but a page built from lists everyone may read (rounds in
// assessment, open rounds) would otherwise show the wrong person an empty or useless page
// instead of saying they cannot use it. Each part's roles are those of the API routes it is
// built on; a part not listed is open to everyone signed in, the API deciding object by object.
const PAGE_ROLES: Readonly<Record<string, readonly Role[]>> = {
  // Bidders: finding a round to bid in and starting the bid; a PCC endorsing its area's bids.
  rounds: ['applicant'],
  endorsements: ['applicant'],
  // Staff: assessing, moderating, second approval, finance's payments and exports.
  assignments: ['assessor', 'moderator'],
  moderation: ['moderator', 'admin'],
  decisions: ['approver', 'moderator', 'finance', 'admin'],
  payments: ['finance', 'admin'],
  exports: ['finance', 'admin'],
};

// Whether a person of this role may open the page whose route is `routePath` ('/moderation/bids/:id').
export function mayOpenPage(routePath: string, role: string | undefined): boolean {
  const part = routePath.split('/')[1] ?? '';
  const roles = PAGE_ROLES[part];
  return !roles || roles.some((allowed) => allowed === role);
}
