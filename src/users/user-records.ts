import type { EntityManager } from 'typeorm';
import { userStatus } from './account-link.rules';
import type { UserDto } from './user.dto';
import { User } from './user.entity';
import { notFound } from '../common/common.errors';

// The user row as the API shows it, as an audit actor, and locked for a change: shared by the
// users, invitations and passwords services.
export function toUserDto(user: User): UserDto {
  const { id, email, name, role, organisationId, active, lastLoginAt, createdAt, updatedAt } = user;
  const { secondFactorEnrolledAt } = user;
  return {
    ...{ id, email, name, role, organisationId, active, status: userStatus(user) },
    ...{ lastLoginAt, secondFactorEnrolledAt, createdAt, updatedAt },
  };
}

export async function lockUser(manager: EntityManager, id: string): Promise<User> {
  const user = await manager.findOne(User, { where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!user) {
    throw notFound('User');
  }
  return user;
}
