import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { AuditActor, AuditService, changedFields, createdFields } from '../audit/audit.service';
import type { Role } from '../common/access';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import type { Page } from '../common/pagination';
import type { FieldError } from '../common/problem';
import { OutboxService } from '../notifications/outbox.service';
import { OrganisationsService } from '../organisations/organisations.service';
import { accountCreatedEmail } from './account-emails';
import { hashPassword } from './password';
import { endsSessions } from './user-sessions.rules';
import { User } from './user.entity';
import type { CreateUserDto, MembershipDto, UpdateUserDto, UserDto, UserQuery } from './user.dto';
import { UserMemberships } from './user-memberships';

const AUDITED_FIELDS = ['email', 'name', 'role', 'organisationId', 'active'] as const;

export function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    organisationId: user.organisationId,
    active: user.active,
    lastLoginAt: user.lastLoginAt,
    secondFactorEnrolledAt: user.secondFactorEnrolledAt,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly organisations: OrganisationsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly memberships: UserMemberships,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(actor: AuditActor, input: CreateUserDto): Promise<UserDto> {
    const email = input.email.toLowerCase();
    const organisationId = input.organisationId ?? null;
    const passwordHash = await hashPassword(input.password);
    return this.dataSource.transaction(async (manager) => {
      await this.checkOrganisation(manager, input.role, organisationId);
      if (await manager.existsBy(User, { email })) {
        throw DomainError.conflict('email-taken', `A user with email ${email} already exists.`);
      }
      const user = await manager.save(
        manager.create(User, {
          email,
          name: input.name,
          role: input.role,
          organisationId,
          passwordHash,
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
      const organisationName = organisationId
        ? await this.organisations.nameOf(organisationId, manager)
        : null;
      await this.outbox.queue(
        manager,
        accountCreatedEmail(user, organisationName, this.config.mail.publicBaseUrl),
      );
      return toUserDto(user);
    });
  }

  async update(actor: AuditActor, id: string, input: UpdateUserDto): Promise<UserDto> {
    const passwordHash =
      input.password === undefined ? undefined : await hashPassword(input.password);
    return this.dataSource.transaction(async (manager) => {
      const user = await this.lockUser(manager, id);
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
      Object.assign(
        user,
        { name: input.name ?? user.name, role, organisationId },
        passwordHash ? { passwordHash } : {},
      );
      const changes = changedFields(before, { ...user }, AUDITED_FIELDS);
      if (passwordHash) {
        changes.password = { before: '(hidden)', after: '(changed)' };
      }
      // A PATCH that changes nothing writes nothing: no save, no audit event, sessions kept.
      if (Object.keys(changes).length === 0) {
        return toUserDto(user);
      }
      if (endsSessions(before, user, passwordHash !== undefined)) {
        user.tokenVersion += 1;
      }
      const saved = await manager.save(user);
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
      throw DomainError.conflict(
        'cannot-deactivate-self',
        'You cannot deactivate your own account; ask another admin.',
      );
    }
    return this.dataSource.transaction(async (manager) => {
      const user = await this.lockUser(manager, id);
      if (user.active === active) {
        throw DomainError.conflict(
          'user-already-' + (active ? 'active' : 'inactive'),
          `This user is already ${active ? 'active' : 'deactivated'}.`,
        );
      }
      const before = { ...user };
      user.active = active;
      // Tokens from before a deactivation stay dead after the reactivation.
      if (endsSessions(before, user, false)) {
        user.tokenVersion += 1;
      }
      const saved = await manager.save(user);
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
    const user = await this.users.findOneBy({ id });
    if (!user) {
      throw DomainError.notFound('User');
    }
    return toUserDto(user);
  }

  // The user's roles and organisations over time, oldest first.
  async history(id: string): Promise<MembershipDto[]> {
    await this.get(id);
    return this.memberships.history(id);
  }

  async list(query: UserQuery): Promise<Page<UserDto>> {
    const where = {
      ...(query.role ? { role: query.role } : {}),
      ...(query.organisationId ? { organisationId: query.organisationId } : {}),
      ...(query.active !== undefined ? { active: query.active } : {}),
    };
    const [users, total] = await this.users.findAndCount({
      where,
      order: { email: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items: users.map(toUserDto), total, limit: query.limit, offset: query.offset };
  }

  findActiveById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id, active: true });
  }

  findForLogin(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.email = :email', { email: email.toLowerCase() })
      .getOne();
  }

  // Not an edit of the user: version and updated_at stay as they are.
  async recordLogin(id: string): Promise<void> {
    await this.users.query(`UPDATE users SET last_login_at = now() WHERE id = $1`, [id]);
  }

  // Who to write to about an organisation's business: its active applicant users.
  applicantContacts(
    organisationId: string,
    manager: EntityManager,
  ): Promise<Pick<User, 'id' | 'email' | 'name'>[]> {
    return manager.find(User, {
      select: { id: true, email: true, name: true },
      where: { organisationId, role: 'applicant', active: true },
      order: { email: 'ASC' },
      take: 50,
    });
  }

  // Active Home Office users of one role (assessors to assign, moderators to tell), by name.
  activeStaff(role: Exclude<Role, 'applicant'>, manager: EntityManager): Promise<User[]> {
    return manager.find(User, { where: { role, active: true }, order: { name: 'ASC', id: 'ASC' } });
  }

  async namesOf(ids: string[], manager: EntityManager): Promise<Map<string, string>> {
    const users = ids.length
      ? await manager.find(User, { select: { id: true, name: true }, where: { id: In(ids) } })
      : [];
    return new Map(users.map((user) => [user.id, user.name]));
  }

  async nameOf(id: string, manager: EntityManager): Promise<Pick<User, 'email' | 'name'> | null> {
    return manager.findOne(User, { select: { email: true, name: true }, where: { id } });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: email.toLowerCase() });
  }

  private async lockUser(manager: EntityManager, id: string): Promise<User> {
    const user = await manager.findOne(User, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!user) {
      throw DomainError.notFound('User');
    }
    return user;
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
      throw DomainError.invalid(
        'user-organisation-invalid',
        'The user and organisation do not fit together; see errors.',
        errors,
      );
    }
  }
}
