import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import type { AuditActor } from '../audit/audit.service';
import type { MembershipDto } from './user.dto';
import { UserMembership } from './user-membership.entity';
import type { User } from './user.entity';
import { type Placement, placementChanged } from './separation.rules';
import { userError } from './users.errors';

// Each user's role and organisation over time: one open spell per user, closed and replaced in
// the transaction that changes either.
@Injectable()
export class UserMemberships {
  constructor(private readonly dataSource: DataSource) {}

  // The first spell of a new user.
  async start(
    manager: EntityManager,
    user: Pick<User, 'id' | 'role' | 'organisationId'>,
    actor: AuditActor,
  ): Promise<void> {
    await manager.insert(UserMembership, {
      userId: user.id,
      role: user.role,
      organisationId: user.organisationId,
      validFrom: new Date(),
      changedBy: actor.id,
    });
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
    const at = new Date();
    await manager.update(
      UserMembership,
      { userId: after.id, validUntil: IsNull() },
      { validUntil: at },
    );
    await manager.insert(UserMembership, {
      userId: after.id,
      role: after.role,
      organisationId: after.organisationId,
      validFrom: at,
      changedBy: actor.id,
    });
  }

  // Nobody changes their own role or organisation: another admin must.
  refuseOwnChange(actor: AuditActor, userId: string, before: Placement, next: Placement): void {
    if (actor.id === userId && placementChanged(before, next)) {
      throw userError('own-role-change');
    }
  }

  async history(userId: string): Promise<MembershipDto[]> {
    const rows = await this.dataSource.query<
      {
        role: MembershipDto['role'];
        organisation_id: string | null;
        organisation_name: string | null;
        valid_from: Date;
        valid_until: Date | null;
        changed_by: string | null;
        changed_by_name: string | null;
      }[]
    >(
      `SELECT m.role, m.organisation_id, o.name AS organisation_name, m.valid_from, m.valid_until,
              m.changed_by, c.name AS changed_by_name
         FROM user_memberships m
         LEFT JOIN organisations o ON o.id = m.organisation_id
         LEFT JOIN users c ON c.id = m.changed_by
        WHERE m.user_id = $1
        ORDER BY m.valid_from, m.id`,
      [userId],
    );
    return rows.map((row) => ({
      role: row.role,
      organisationId: row.organisation_id,
      organisationName: row.organisation_name,
      from: row.valid_from,
      until: row.valid_until,
      changedBy: row.changed_by,
      changedByName: row.changed_by_name,
    }));
  }
}
