import { Injectable } from '@nestjs/common';
import { EntityManager, ILike, In, IsNull } from 'typeorm';
import type { Role } from '../common/access';
import { notFound } from '../common/common.errors';
import { containsPattern } from '../common/list-query';
import type { MembershipDto, UserQuery } from './user.dto';
import { User } from './user.entity';
import { UserMembership } from './user-membership.entity';
import { organisationsEverOfSql } from './separation-sql';

// Named reads and writes of users, in the caller's transaction (or the data source's manager
// for a plain read). Emails are stored lower-cased (ck_users_email_lowercase).
@Injectable()
export class UserStore {
  find(manager: EntityManager, id: string): Promise<User | null> {
    return manager.findOneBy(User, { id });
  }

  findActive(manager: EntityManager, id: string): Promise<User | null> {
    return manager.findOneBy(User, { id, active: true });
  }

  findByEmail(manager: EntityManager, email: string): Promise<User | null> {
    return manager.findOneBy(User, { email: email.toLowerCase() });
  }

  // Locks the user row for the rest of the transaction; 404 when there is none.
  async lock(manager: EntityManager, id: string): Promise<User> {
    const user = await manager.findOne(User, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!user) {
      throw notFound('User');
    }
    return user;
  }

  // The user an email names, locked for the rest of the transaction; null when there is none.
  lockByEmail(manager: EntityManager, email: string): Promise<User | null> {
    return manager.findOne(User, {
      where: { email: email.toLowerCase() },
      lock: { mode: 'pessimistic_write' },
    });
  }

  emailTaken(manager: EntityManager, email: string): Promise<boolean> {
    return manager.existsBy(User, { email });
  }

  // The user with the password hash, which no other read selects.
  findForLogin(manager: EntityManager, email: string): Promise<User | null> {
    return manager
      .createQueryBuilder(User, 'user')
      .addSelect('user.passwordHash')
      .where('user.email = :email', { email: email.toLowerCase() })
      .getOne();
  }

  // The user's password hash, which no other read selects; null for a user without one.
  async passwordHashOf(manager: EntityManager, id: string): Promise<string | null> {
    const user = await manager
      .createQueryBuilder(User, 'user')
      .addSelect('user.passwordHash')
      .where('user.id = :id', { id })
      .getOne();
    return user?.passwordHash ?? null;
  }

  page(manager: EntityManager, query: UserQuery): Promise<[User[], number]> {
    const where = {
      ...(query.role ? { role: query.role } : {}),
      ...(query.organisationId ? { organisationId: query.organisationId } : {}),
      ...(query.active !== undefined ? { active: query.active } : {}),
      ...(query.email ? { email: query.email.toLowerCase() } : {}),
    };
    const search = query.q ? ILike(containsPattern(query.q)) : undefined;
    return manager.findAndCount(User, {
      where: search
        ? [
            { ...where, name: search },
            { ...where, email: search },
          ]
        : where,
      order: { email: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
  }

  save(manager: EntityManager, user: User): Promise<User> {
    return manager.save(user);
  }

  // Not an edit of the user: version and updated_at stay as they are.
  async recordLogin(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE users SET last_login_at = now() WHERE id = $1`, [id]);
  }

  // An organisation's active applicant users, by email (at most 50).
  applicantContacts(
    manager: EntityManager,
    organisationId: string,
  ): Promise<Pick<User, 'id' | 'email' | 'name'>[]> {
    return manager.find(User, {
      select: { id: true, email: true, name: true },
      where: { organisationId, role: 'applicant', active: true },
      order: { email: 'ASC' },
      take: 50,
    });
  }

  // Active users of one staff role, by name.
  activeStaff(manager: EntityManager, role: Exclude<Role, 'applicant'>): Promise<User[]> {
    return manager.find(User, { where: { role, active: true }, order: { name: 'ASC', id: 'ASC' } });
  }

  async namesOf(manager: EntityManager, ids: string[]): Promise<Map<string, string>> {
    const users = ids.length
      ? await manager.find(User, { select: { id: true, name: true }, where: { id: In(ids) } })
      : [];
    return new Map(users.map((user) => [user.id, user.name]));
  }

  nameOf(manager: EntityManager, id: string): Promise<Pick<User, 'email' | 'name'> | null> {
    return manager.findOne(User, { select: { email: true, name: true }, where: { id } });
  }

  // Opens the user's spell in a role and organisation (user_memberships) at `at`.
  async startMembership(
    manager: EntityManager,
    user: Pick<User, 'id' | 'role' | 'organisationId'>,
    changedBy: string | null,
    at: Date,
  ): Promise<void> {
    await manager.insert(UserMembership, {
      userId: user.id,
      role: user.role,
      organisationId: user.organisationId,
      validFrom: at,
      changedBy,
    });
  }

  // Ends the user's open spell at `at`, and opens the next at the same instant.
  async moveMembership(
    manager: EntityManager,
    user: Pick<User, 'id' | 'role' | 'organisationId'>,
    changedBy: string | null,
    at: Date,
  ): Promise<void> {
    await manager.update(
      UserMembership,
      { userId: user.id, validUntil: IsNull() },
      { validUntil: at },
    );
    await this.startMembership(manager, user, changedBy, at);
  }

  // The user's spells, oldest first, with the organisations' and changers' names.
  async membershipHistory(manager: EntityManager, userId: string): Promise<MembershipDto[]> {
    const rows = await manager.query<
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

  // Every organisation each of the users ever belonged to (organisationsEverOfSql).
  organisationsEver(
    manager: EntityManager,
    userIds: string[],
  ): Promise<{ user_id: string; organisation_id: string }[]> {
    return manager.query(organisationsEverOfSql('$1'), [userIds]);
  }
}
