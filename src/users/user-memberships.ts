import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AuditActor } from '../audit/audit.service';
import type { MembershipDto } from './user.dto';
import type { User } from './user.entity';
import { type Placement, placementChanged } from './separation.rules';
import { userError } from './users.errors';
import { UserStore } from './user-store';

// Each user's role and organisation over time: one open spell per user, closed and replaced in
// the transaction that changes either.
@Injectable()
export class UserMemberships {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserStore,
  ) {}

  // The first spell of a new user.
  async start(
    manager: EntityManager,
    user: Pick<User, 'id' | 'role' | 'organisationId'>,
    actor: AuditActor,
  ): Promise<void> {
    await this.users.startMembership(manager, user, actor.id, new Date());
  }

  // After an update: when the role or organisation changed, the open spell ends and a new one
  // starts at the same instant.
  async follow(
    manager: EntityManager,
    before: Placement,
    after: Pick<User, 'id' | 'role' | 'organisationId'>,
    actor: AuditActor,
  ): Promise<void> {
    if (!placementChanged(before, after)) {
      return;
    }
    await this.users.moveMembership(manager, after, actor.id, new Date());
  }

  // Nobody changes their own role or organisation: another admin must.
  refuseOwnChange(actor: AuditActor, userId: string, before: Placement, next: Placement): void {
    if (actor.id === userId && placementChanged(before, next)) {
      throw userError('own-role-change');
    }
  }

  history(userId: string): Promise<MembershipDto[]> {
    return this.users.membershipHistory(this.dataSource.manager, userId);
  }
}
