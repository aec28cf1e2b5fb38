import { userStatus } from './account-link.rules';
import type { UserDto } from './user.dto';
import type { User } from './user.entity';

// The user row as the API shows it: shared by the users, invitations and passwords services.
export function toUserDto(user: User): UserDto {
  const { id, email, name, role, organisationId, active, lastLoginAt, createdAt, updatedAt } = user;
  const { secondFactorEnrolledAt } = user;
  return {
    ...{ id, email, name, role, organisationId, active, status: userStatus(user) },
    ...{ lastLoginAt, secondFactorEnrolledAt, createdAt, updatedAt },
  };
}
