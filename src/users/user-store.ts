import { Injectable } from '@nestjs/common';
import { EntityManager, ILike, In } from 'typeorm';
import type { Role } from '../common/access';
import { containsPattern } from '../common/list-query';
import type { UserQuery } from './user.dto';
import { User } from './user.entity';

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
}
