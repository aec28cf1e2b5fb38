import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ProblemDto } from './problem.dto';

export const ROLES = [
  'applicant',
  'assessor',
  'moderator',
  'approver',
  'finance',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES: readonly Role[] = ROLES.filter((role) => role !== 'applicant');

export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  organisationId: string | null;
  // The session the request's token belongs to (user_sessions); null when a service acts for the
  // user outside a request (the demo seed).
  sessionId: string | null;
}

export const ACCESS_KEY = 'access';
export type Access = { kind: 'public' } | { kind: 'roles'; roles: readonly Role[] };

// Every route carries exactly one of these; a route with neither fails the start (deny by default).
export function Public(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies Access),
    ApiExtension('x-roles', ['public']),
  );
}

export function Roles(...roles: Role[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_KEY, { kind: 'roles', roles } satisfies Access),
    ApiBearerAuth(),
    ApiExtension('x-roles', roles),
    ApiUnauthorizedResponse({
      type: ProblemDto,
      description: 'Missing, expired or forged token, or a deactivated user',
    }),
    ApiForbiddenResponse({
      type: ProblemDto,
      description: `Only ${roles.join(', ')} may call this`,
    }),
  );
}

// Any signed-in user, whatever the role.
export function Authenticated(): MethodDecorator & ClassDecorator {
  return Roles(...ROLES);
}

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => {
    const request = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>();
    if (!request.user) {
      throw new Error('CurrentUser used on a route without authentication');
    }
    return request.user;
  },
);

export const BEFORE_SECOND_FACTOR_KEY = 'before-second-factor';

// Beside the route's access decorator: a signed-in user may call it before proving a second
// factor (staff who have not enrolled reach nothing else). For enrolment, /me and sign-out.
export function BeforeSecondFactor(): MethodDecorator {
  return applyDecorators(
    SetMetadata(BEFORE_SECOND_FACTOR_KEY, true),
    ApiExtension('x-before-second-factor', true),
  );
}
