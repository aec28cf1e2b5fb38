import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { type BidParties, bidTie, type PersonTies, tieReason } from './separation.rules';
import { userError } from './users.errors';
import { UserStore } from './user-store';

// Why a refusal happened, for the sentence after the action.
const WHY =
  'separation of duties (GovS 015) keeps people away from bids they or their organisation made';

// Separation of duties for every module: who is tied to which bid, from the users' role and
// organisation history (user_memberships) and the bid's creator and submitter.
@Injectable()
export class SeparationOfDutiesService {
  constructor(private readonly users: UserStore) {}

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
    const rows = await this.users.organisationsEver(manager, ids);
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
