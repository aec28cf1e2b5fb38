import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { Role, ROLES } from '../common/access';
import { SearchParam } from '../common/list-query';
import { trimString } from '../common/validation';
import { PageMetaDto, PageQuery } from '../common/pagination';
import { USER_STATUSES, type UserStatus } from './account-link.rules';

// Admins never set passwords: a field that says so when a client still sends one.
function NotSetByAdmins(message: string): PropertyDecorator {
  return ValidateBy(
    { name: 'notSetByAdmins', validator: { validate: (v) => v === undefined } },
    {
      message,
    },
  );
}

export class CreateUserDto {
  @ApiProperty({ example: 'j.smith@northumbria-pcc.example', maxLength: 254 })
  @Transform(trimString)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Jo Smith', maxLength: 200 })
  @Transform(trimString)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role: Role;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Required for applicants, refused for staff',
    example: 'fed0516c-d377-46e8-a02c-989e6c084510',
  })
  @IsOptional()
  @IsUUID('4')
  organisationId?: string;

  // Not in the API description: refused with a sentence saying what replaced it.
  @NotSetByAdmins(
    'password is no longer set by an administrator: the new user gets an invitation email and chooses their own (POST /users/{id}/invitation sends a new one)',
  )
  password?: never;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'Jo Smith', maxLength: 200 })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: 'fed0516c-d377-46e8-a02c-989e6c084510',
  })
  @ValidateIf((_dto, value) => value !== undefined && value !== null)
  @IsUUID('4')
  organisationId?: string | null;

  @NotSetByAdmins(
    'password cannot be set by an administrator: users change their own (POST /me/password) or reset it (POST /auth/password-reset)',
  )
  password?: never;
}

export class UserQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('4')
  organisationId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;

  @ApiPropertyOptional({
    example: 'alex.morgan@example.org',
    description: 'The user with exactly this email, whatever its case',
  })
  @IsOptional()
  @Transform(trimString)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254, { message: 'email may be at most 254 characters' })
  email?: string;

  @SearchParam('users whose name or email')
  q?: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  email: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ROLES })
  role: Role;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  organisationId: string | null;

  @ApiProperty()
  active: boolean;

  @ApiProperty({
    enum: USER_STATUSES,
    description:
      'invited: has not accepted the invitation (cannot sign in yet); active: has a password; deactivated: switched off by an admin',
  })
  status: UserStatus;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Null until the user first signs in',
  })
  lastLoginAt: Date | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      'When the user confirmed a second factor (TOTP); null until then. Staff can do nothing but enrol until they have one',
  })
  secondFactorEnrolledAt: Date | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;
}

export class UserPageDto extends PageMetaDto {
  @ApiProperty({ type: [UserDto] })
  items: UserDto[];
}

export class MembershipDto {
  @ApiProperty({ enum: ROLES })
  role: Role;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  organisationId: string | null;

  @ApiProperty({ nullable: true, type: String })
  organisationName: string | null;

  @ApiProperty({ format: 'date-time', description: 'When the user took this role' })
  from: Date;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the next change ended it; null for the current one',
  })
  until: Date | null;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The admin who made the change; null when the system did (the first admin)',
  })
  changedBy: string | null;

  @ApiProperty({ nullable: true, type: String })
  changedByName: string | null;
}

export class MembershipHistoryDto {
  @ApiProperty({ type: [MembershipDto], description: 'Oldest first' })
  items: MembershipDto[];
}
