import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  AuditActor,
  AuditService,
  changedFields,
  changesNothing,
  createdFields,
} from '../audit/audit.service';
import type { Role } from '../common/access';
import type { Page } from '../common/pagination';
import type { FieldError } from '../common/problem';
import { OrganisationsService } from '../organisations/organisations.service';
import { Invitations } from './invitations';
import { PasswordHasher } from './password-hasher';
import { endsSessions } from './user-sessions.rules';
import { User } from './user.entity';
import type { CreateUserDto, MembershipDto, UpdateUserDto, UserDto, UserQuery } from './user.dto';
import { UserMemberships } from './user-memberships';
import { UserStore } from './user-store';
import { toUserDto } from './user-records';
import { userError } from './users.errors';
import { notFound } from '../common/common.errors';

export { toUserDto } from './user-records';

const AUDITED_FIELDS = ['email', 'name', 'role', 'organisationId', 'active'] as const;

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserStore,
    private readonly organisations: OrganisationsService,
    private readonly audit: AuditService,
    private readonly memberships: UserMemberships,
    private readonly invitations: Invitations,
    private readonly hasher: PasswordHasher,
  ) {}

  // An invited user: no password until they accept the invitation this emails them.
  create(actor: AuditActor, input: CreateUserDto): Promise<UserDto> {
    return this.insert(actor, input, null);
  }

  // A user who can sign in at once, with no invitation: only the create-admin CLI (the first
  // admin has nobody to invite them) and the demo seed (its users' password is published).
  async createWithPassword(
    actor: AuditActor,
    input: CreateUserDto,
    password: string,
  ): Promise<UserDto> {
    return this.insert(actor, input, await this.hasher.hash(password));
  }

  private insert(
    actor: AuditActor,
    input: CreateUserDto,
    passwordHash: string | null,
  ): Promise<UserDto> {
    const email = input.email.toLowerCase();
    const organisationId = input.organisationId ?? null;
    return this.dataSource.transaction(async (manager) => {
      await this.checkOrganisation(manager, input.role, organisationId);
      if (await this.users.emailTaken(manager, email)) {
        throw userError('email-taken', { message: `A user with email ${email} already exists.` });
      }
      const user = await this.users.save(
        manager,
        manager.create(User, {
          email,
          name: input.name,
          role: input.role,
          organisationId,
          passwordHash,
          passwordSetAt: passwordHash ? new Date() : null,
          active: true,
        }),
      );
      await this.memberships.start(manager, user, actor);
      await this.audit.record(manager, actor, {
        command: 'user.create',
        objectType: 'user',
        objectId: user.id,
        changes: createdFields({ ...user }, AUDITED_FIELDS),
      });
      if (!passwordHash) {
        await this.invitations.send(manager, actor, user, 'user.invitation-send');
      }
      return toUserDto(user);
    });
  }

  async update(actor: AuditActor, id: string, input: UpdateUserDto): Promise<UserDto> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.users.lock(manager, id);
      const before = { ...user };
      const role = input.role ?? user.role;
      const organisationId =
        input.organisationId !== undefined
          ? input.organisationId
          : role === 'applicant'
            ? user.organisationId
            : null;
      this.memberships.refuseOwnChange(actor, id, user, { role, organisationId });
      await this.checkOrganisation(manager, role, organisationId);
      Object.assign(user, { name: input.name ?? user.name, role, organisationId });
      const changes = changedFields(before, { ...user }, AUDITED_FIELDS);
      // A PATCH that changes nothing writes nothing: no save, no audit event, sessions kept.
      if (changesNothing(changes)) {
        return toUserDto(user);
      }
      if (endsSessions(before, user, false)) {
        user.tokenVersion += 1;
      }
      const saved = await this.users.save(manager, user);
      await this.memberships.follow(manager, before, saved, actor);
      await this.audit.record(manager, actor, {
        command: 'user.update',
        objectType: 'user',
        objectId: id,
        changes,
      });
      return toUserDto(saved);
    });
  }

  async setActive(actor: AuditActor, id: string, active: boolean): Promise<UserDto> {
    if (!active && actor.id === id) {
      throw userError('cannot-deactivate-self');
    }
    return this.dataSource.transaction(async (manager) => {
      const user = await this.users.lock(manager, id);
      if (user.active === active) {
        throw userError(active ? 'user-already-active' : 'user-already-inactive');
      }
      const before = { ...user };
      user.active = active;
      // Tokens from before a deactivation stay dead after the reactivation.
      if (endsSessions(before, user, false)) {
        user.tokenVersion += 1;
      }
      const saved = await this.users.save(manager, user);
      await this.audit.record(manager, actor, {
        command: active ? 'user.reactivate' : 'user.deactivate',
        objectType: 'user',
        objectId: id,
        changes: changedFields(before, { ...saved }, ['active']),
      });
      return toUserDto(saved);
    });
  }

  async get(id: string): Promise<UserDto> {
    const user = await this.users.find(this.dataSource.manager, id);
    if (!user) {
      throw notFound('User');
    }
    return toUserDto(user);
  }

  // The user's roles and organisations over time, oldest first.
  async history(id: string): Promise<MembershipDto[]> {
    await this.get(id);
    return this.memberships.history(id);
  }

  async list(query: UserQuery): Promise<Page<UserDto>> {
    const [users, total] = await this.users.page(this.dataSource.manager, query);
    return { items: users.map(toUserDto), total, limit: query.limit, offset: query.offset };
  }

  findActiveById(id: string): Promise<User | null> {
    return this.users.findActive(this.dataSource.manager, id);
  }

  findForLogin(email: string): Promise<User | null> {
    return this.users.findForLogin(this.dataSource.manager, email);
  }

  // Not an edit of the user: version and updated_at stay as they are.
  recordLogin(id: string): Promise<void> {
    return this.users.recordLogin(this.dataSource.manager, id);
  }

  // Who to write to about an organisation's business: its active applicant users.
  applicantContacts(
    organisationId: string,
    manager: EntityManager,
  ): Promise<Pick<User, 'id' | 'email' | 'name'>[]> {
    return this.users.applicantContacts(manager, organisationId);
  }

  // Active Home Office users of one role (assessors to assign, moderators to tell), by name.
  activeStaff(role: Exclude<Role, 'applicant'>, manager: EntityManager): Promise<User[]> {
    return this.users.activeStaff(manager, role);
  }

  namesOf(ids: string[], manager: EntityManager): Promise<Map<string, string>> {
    return this.users.namesOf(manager, ids);
  }

  nameOf(id: string, manager: EntityManager): Promise<Pick<User, 'email' | 'name'> | null> {
    return this.users.nameOf(manager, id);
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(this.dataSource.manager, email);
  }

  private async checkOrganisation(
    manager: EntityManager,
    role: Role,
    organisationId: string | null,
  ): Promise<void> {
    const errors: FieldError[] = [];
    if (role === 'applicant' && !organisationId) {
      errors.push({
        field: 'organisationId',
        message: 'an applicant must belong to an organisation',
      });
    } else if (role !== 'applicant' && organisationId) {
      errors.push({
        field: 'organisationId',
        message: 'only applicants belong to an organisation; Home Office staff have none',
      });
    } else if (organisationId && !(await this.organisations.isActive(organisationId, manager))) {
      errors.push({ field: 'organisationId', message: 'no active organisation has this id' });
    }
    if (errors.length > 0) {
      throw userError('user-organisation-invalid', { errors });
    }
  }
}
