import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { AuthenticatedUser } from '../common/access';
import { DomainError } from '../common/domain-error';
import { decoyPasswordHash, verifyPassword } from '../users/password';
import { toUserDto, UsersService } from '../users/users.service';
import type { TokenDto } from './auth.dto';

interface TokenClaims {
  sub: string;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(email: string, password: string): Promise<TokenDto> {
    const user = await this.users.findForLogin(email);
    const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
    // One answer for unknown email, wrong password and deactivated account: no account probing.
    if (!user || !valid || !user.active) {
      throw new DomainError(
        'invalid-credentials',
        401,
        'The email or password is wrong, or the account is deactivated.',
      );
    }
    await this.users.recordLogin(user.id);
    const accessToken = await this.jwt.signAsync({ sub: user.id } satisfies TokenClaims);
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.config.jwtTtlSeconds,
      user: toUserDto({ ...user, lastLoginAt: new Date() }),
    };
  }

  // Reloads the user on every request, so a deactivation or role change takes effect at once.
  async authenticate(token: string): Promise<AuthenticatedUser> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token, { algorithms: ['HS256'] });
    } catch (error) {
      const expired = error instanceof Error && error.name === 'TokenExpiredError';
      throw new DomainError(
        expired ? 'token-expired' : 'token-invalid',
        401,
        expired
          ? 'Your session has expired; log in again.'
          : 'The bearer token is not valid; log in again.',
      );
    }
    const user =
      typeof claims.sub === 'string' ? await this.users.findActiveById(claims.sub) : null;
    if (!user) {
      throw new DomainError(
        'account-inactive',
        401,
        'This account no longer exists or has been deactivated.',
      );
    }
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      organisationId: user.organisationId,
    };
  }
}
