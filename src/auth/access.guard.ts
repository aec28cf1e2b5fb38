import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Access, ACCESS_KEY, AuthenticatedUser, BEFORE_SECOND_FACTOR_KEY } from '../common/access';
import { AuthService } from './auth.service';
import { secondFactorRefusal } from './second-factor/second-factor.rules';
import { commonError } from '../common/common.errors';

// Global guard: public routes pass, every other route needs a valid token and one of its roles,
// and, unless marked @BeforeSecondFactor, a second factor proven where one is needed.
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access?.kind === 'public') {
      return true;
    }
    const request = context
      .switchToHttp()
      .getRequest<FastifyRequest & { user?: AuthenticatedUser }>();
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) {
      throw commonError('unauthenticated');
    }
    const { secondFactor, ...user } = await this.auth.authenticate(match[1]);
    request.user = user;
    if (!access || !access.roles.includes(user.role)) {
      throw commonError('forbidden', { message: `Your role (${user.role}) may not do this.` });
    }
    const refusal = this.reflector.get<boolean | undefined>(
      BEFORE_SECOND_FACTOR_KEY,
      context.getHandler(),
    )
      ? null
      : secondFactorRefusal(secondFactor);
    if (refusal) {
      throw refusal;
    }
    return true;
  }
}
