import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isUUID } from 'class-validator';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { AuthenticatedUser } from '../common/access';
import { DomainError } from '../common/domain-error';
import { decoyPasswordHash, verifyPassword } from '../users/password';
import type { User } from '../users/user.entity';
import { toUserDto, UsersService } from '../users/users.service';
import type { TokenDto } from './auth.dto';
import { LoginLimiter } from './login-limiter';
import { SecondFactorChallenges } from './second-factor/second-factor-challenges';
import type { SecondFactorChallengeDto } from './second-factor/second-factor.dto';
import { SecondFactorStanding, secondFactorStanding } from './second-factor/second-factor.rules';

interface TokenClaims {
  sub: string;
  // The user's token version when the token was issued: a bump since then ends the session.
  ver: number;
  // How the sign-in was proven (RFC 8176 style): ['pwd'], ['pwd', 'otp'] or ['sso'].
  amr: AuthenticationMethod[];
}

export type AuthenticationMethod = 'pwd' | 'otp' | 'sso';

// How a session was begun: every way of signing in ends in AuthService.signIn with one of these.
export type SignInMethod = 'password' | 'second-factor' | 'sso';

export const AUTHENTICATION_METHODS: Record<SignInMethod, AuthenticationMethod[]> = {
  password: ['pwd'],
  'second-factor': ['pwd', 'otp'],
  sso: ['sso'],
};

export interface SignInContext {
  method: SignInMethod;
  // The client's address as the HTTP layer sees it (TRUST_PROXY applied).
  address: string;
  // The User-Agent header, when sent: a device label for the user's list of sessions.
  userAgent?: string;
}

// What a verified token holds: signed by us, but only typed once checked.
type VerifiedClaims = Partial<Record<'sub' | 'ver' | 'exp' | 'amr', unknown>>;

const KNOWN_METHODS = new Set<unknown>(Object.values(AUTHENTICATION_METHODS).flat());

const INVALID_TOKEN = 'The bearer token is not valid; log in again.';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly limiter: LoginLimiter,
    private readonly challenges: SecondFactorChallenges,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(
    email: string,
    password: string,
    address: string,
    userAgent?: string,
  ): Promise<TokenDto | SecondFactorChallengeDto> {
    const source = { email, address };
    await this.limiter.checkAllowed(source);
    const user = await this.users.findForLogin(email);
    const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
    // One answer for unknown email, wrong password and deactivated account: no account probing.
    if (!user || !valid || !user.active) {
      await this.limiter.recordFailure(source);
      throw new DomainError(
        'invalid-credentials',
        401,
        'The email or password is wrong, or the account is deactivated.',
      );
    }
    await this.limiter.recordSuccess(source);
    // With a second factor the password is half of it: a challenge that a code completes.
    if (user.secondFactorEnrolledAt) {
      return this.challenges.issue(user);
    }
    return this.signIn(user, { method: 'password', address, userAgent });
  }

  // The one way a session begins, whatever proved who the user is.
  async signIn(user: User, context: SignInContext): Promise<TokenDto> {
    await this.users.recordLogin(user.id);
    const accessToken = await this.jwt.signAsync({
      sub: user.id,
      ver: user.tokenVersion,
      amr: AUTHENTICATION_METHODS[context.method],
    } satisfies TokenClaims);
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.config.jwtTtlSeconds,
      user: toUserDto({ ...user, lastLoginAt: new Date() }),
    };
  }

  // Reloads the user on every request, so a deactivation or role change takes effect at once.
  // Also says where the token stands on the second factor; the guard decides what that allows.
  async authenticate(
    token: string,
  ): Promise<AuthenticatedUser & { secondFactor: SecondFactorStanding }> {
    const claims = await this.verify(token);
    const user = await this.users.findActiveById(claims.sub);
    if (!user) {
      throw new DomainError(
        'account-inactive',
        401,
        'This account no longer exists or has been deactivated.',
      );
    }
    if (user.tokenVersion !== claims.ver) {
      throw new DomainError(
        'token-revoked',
        401,
        'This session was ended because the password, role, organisation or account status changed; log in again.',
      );
    }
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      organisationId: user.organisationId,
      secondFactor: secondFactorStanding(user.role, !!user.secondFactorEnrolledAt, claims.amr),
    };
  }

  // Signature, expiry and the shape of every claim: a token without `exp` never expires, and a
  // subject that is not a UUID would reach the database.
  private async verify(token: string): Promise<TokenClaims> {
    let claims: VerifiedClaims;
    try {
      claims = await this.jwt.verifyAsync<VerifiedClaims>(token, { algorithms: ['HS256'] });
    } catch (error) {
      const expired = error instanceof Error && error.name === 'TokenExpiredError';
      throw new DomainError(
        expired ? 'token-expired' : 'token-invalid',
        401,
        expired ? 'Your session has expired; log in again.' : INVALID_TOKEN,
      );
    }
    const { sub, ver, exp, amr } = claims;
    if (
      !Array.isArray(amr) ||
      !amr.every((method) => KNOWN_METHODS.has(method)) ||
      typeof exp !== 'number' ||
      typeof sub !== 'string' ||
      !isUUID(sub) ||
      typeof ver !== 'number' ||
      !Number.isSafeInteger(ver)
    ) {
      throw new DomainError('token-invalid', 401, INVALID_TOKEN);
    }
    return { sub, ver, amr: amr as AuthenticationMethod[] };
  }
}
