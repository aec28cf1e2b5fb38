import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { type BidParties, bidTie, type PersonTies, tieReason } from './separation.rules';
import { userError } from './users.errors';

// Why a refusal happened, for the sentence after the action.
const WHY =
  'separation of duties (GovS 015) keeps people away from bids they or their organisation made';

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

// Separation of duties for every module: who is tied to which bid, from the users' role and
// organisation history (user_memberships) and the bid's creator and submitter.
@Injectable()
export class SeparationOfDuties {
  // Every organisation each user ever belonged to: their recorded spells, and what the user row
  // says now (so a user written by any other path is never missed).
  async tiesOf(manager: EntityManager, userIds: string[]): Promise<Map<string, PersonTies>> {
    const ids = [...new Set(userIds)];
    const ties = new Map(
      ids.map((userId) => [userId, { userId, organisationIds: [] as string[] }]),
    );
    if (ids.length === 0) {
      return ties;
    }
    const rows = await manager.query<{ user_id: string; organisation_id: string }[]>(
      organisationsEverOfSql('$1'),
      [ids],
    );
    for (const row of rows) {
      ties.get(row.user_id)?.organisationIds.push(row.organisation_id);
    }
    return ties;
  }

  // 403 when the user is tied to the bid; `action` completes "You may not ... bid X". The
  // system itself (no user: the demo seed) is tied to nothing.
  async refuseIfTied(
    manager: EntityManager,
    userId: string | null,
    bid: BidParties & { reference: string },
    action: string,
  ): Promise<void> {
    if (userId === null) {
      return;
    }
    this.refuseTie((await this.tiesOf(manager, [userId])).get(userId) as PersonTies, bid, action);
  }

  // refuseIfTied for a caller that read the person's ties itself (organisationsEverOfSql).
  refuseTie(ties: PersonTies, bid: BidParties & { reference: string }, action: string): void {
    const tie = bidTie(ties, bid);
    if (tie) {
      throw userError('conflict-of-interest', {
        message: `You may not ${action} bid ${bid.reference}: you ${tieReason(tie)}, and ${WHY}. Another member of staff must do it.`,
      });
    }
  }

  // 403 when the user ever belonged to the organisation.
  async refuseIfMember(
    manager: EntityManager,
    userId: string,
    organisation: { id: string; name: string },
    action: string,
  ): Promise<void> {
    const ties = (await this.tiesOf(manager, [userId])).get(userId) as PersonTies;
    if (ties.organisationIds.includes(organisation.id)) {
      throw userError('conflict-of-interest', {
        message: `You may not ${action} ${organisation.name}: you belonged to it, and ${WHY}. Another member of staff must do it.`,
      });
    }
  }
}
