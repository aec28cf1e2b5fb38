import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { AuthenticatedUser } from '../common/access';
import { LoginFailureReason, MetricsService } from '../observability/metrics.service';
import { PasswordHasher } from '../users/password-hasher';
import type { User } from '../users/user.entity';
import { toUserDto, UsersService } from '../users/users.service';
import type { UserDto } from '../users/user.dto';
import type { TokenDto } from './auth.dto';
import { LoginLimiter } from './login-limiter';
import { IssuedSession, SessionsService } from './sessions/sessions.service';
import { SignInAudit } from './sign-in-audit';
import { SecondFactorChallenges } from './second-factor/second-factor-challenges';
import type { SecondFactorChallengeDto } from './second-factor/second-factor.dto';
import { SecondFactorStanding, secondFactorStanding } from './second-factor/second-factor.rules';
import { authError } from './auth.errors';

interface TokenClaims {
  sub: string;
  // The user's token version when the token was issued: a bump since then ends the session.
  ver: number;
  // How the sign-in was proven (RFC 8176 style): ['pwd'], ['pwd', 'otp'] or ['sso'].
  amr: AuthenticationMethod[];
  // The session (user_sessions) the token belongs to: ending it ends the token too.
  sid: string;
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
type VerifiedClaims = Partial<Record<'sub' | 'ver' | 'exp' | 'amr' | 'sid', unknown>>;

const KNOWN_METHODS = new Set<unknown>(Object.values(AUTHENTICATION_METHODS).flat());

// For the login failure metric only: the answer is the same whatever the reason.
function passwordRefusal(user: User | null, valid: boolean): LoginFailureReason {
  if (!user) {
    return 'unknown_email';
  }
  if (!user.passwordHash) {
    return 'not_set_up';
  }
  return valid ? 'deactivated' : 'wrong_password';
}

const INVALID_TOKEN = 'The bearer token is not valid; log in again.';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly limiter: LoginLimiter,
    private readonly sessions: SessionsService,
    private readonly signInAudit: SignInAudit,
    private readonly dataSource: DataSource,
    private readonly challenges: SecondFactorChallenges,
    private readonly metrics: MetricsService,
    private readonly hasher: PasswordHasher,
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
    // An invited user has no password yet: checked against the decoy for the timing, refused.
    const hash = user?.passwordHash ?? null;
    const valid =
      (await this.hasher.verify(hash ?? (await this.hasher.decoyHash()), password)) &&
      hash !== null;
    // One answer for unknown email, wrong password and deactivated account: no account probing.
    if (!user || !valid || !user.active) {
      this.metrics.loginFailed(passwordRefusal(user, valid));
      await this.limiter.recordFailure(source);
      if (user) {
        await this.signInAudit.failed(user, { method: 'password', address });
      }
      throw authError('invalid-credentials');
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
    const issued = await this.dataSource.transaction(async (manager) => {
      const begun = await this.sessions.begin(manager, user, context);
      await this.signInAudit.succeeded(manager, user, {
        method: context.method,
        address: context.address,
        sessionId: begun.session.id,
      });
      return begun;
    });
    return this.tokens(issued, toUserDto({ ...user, lastLoginAt: new Date() }));
  }

  // The next tokens of a session, for its current refresh token (which is then spent).
  async refresh(refreshToken: string): Promise<TokenDto> {
    const issued = await this.sessions.rotate(refreshToken);
    return this.tokens(issued, await this.users.get(issued.session.userId));
  }

  private async tokens(issued: IssuedSession, user: UserDto): Promise<TokenDto> {
    const { session } = issued;
    const accessToken = await this.jwt.signAsync({
      sub: session.userId,
      ver: session.tokenVersion,
      amr: AUTHENTICATION_METHODS[session.method],
      sid: session.id,
    } satisfies TokenClaims);
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.config.jwtTtlSeconds,
      refreshToken: issued.refreshToken,
      refreshExpiresIn: issued.refreshExpiresIn,
      sessionId: session.id,
      user,
    };
  }

  // Reloads the user and the session on every request (one query), so a deactivation, role
  // change or ended session takes effect at once. Also says where the token stands on the
  // second factor; the guard decides what that allows.
  async authenticate(
    token: string,
  ): Promise<AuthenticatedUser & { secondFactor: SecondFactorStanding }> {
    const claims = await this.verify(token);
    const found = await this.sessions.findSignedIn(claims.sub, claims.sid);
    const user = found?.user.active ? found.user : null;
    if (!found || !user) {
      throw authError('account-inactive');
    }
    if (user.tokenVersion !== claims.ver) {
      throw authError('token-revoked');
    }
    this.sessions.refuseUnlessLive(found);
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      organisationId: user.organisationId,
      sessionId: claims.sid,
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
      throw authError(expired ? 'token-expired' : 'token-invalid', {
        message: expired ? 'Your session has expired; log in again.' : INVALID_TOKEN,
      });
    }
    // A token from before sessions has no `sid`: refused, and its holder signs in again.
    const { sub, ver, exp, amr, sid } = claims;
    if (
      !Array.isArray(amr) ||
      !amr.every((method) => KNOWN_METHODS.has(method)) ||
      typeof exp !== 'number' ||
      typeof sub !== 'string' ||
      !isUUID(sub) ||
      typeof sid !== 'string' ||
      !isUUID(sid) ||
      typeof ver !== 'number' ||
      !Number.isSafeInteger(ver)
    ) {
      throw authError('token-invalid', { message: INVALID_TOKEN });
    }
    return { sub, ver, amr: amr as AuthenticationMethod[], sid };
  }
}
