import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import * as client from 'openid-client';
import { AuditService, createdFields } from '../../audit/audit.service';
import type { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import type { TokenDto } from '../auth.dto';
import { AuthService } from '../auth.service';
import { SsoProvider } from './sso-provider';
import { SsoStateStore } from './sso-state-store';
import { ssoError } from './sso.errors';
import { ProvenIdentity, redirectFor, SsoRefusal, ssoRefusal } from './sso.rules';

export interface SsoRequest {
  address: string;
  userAgent?: string;
}

// Staff sign-in through the department's OpenID Connect provider (authorization code flow with
// PKCE, state and nonce). The provider proves who someone is; this system alone decides whether
// they have an account and what role it has.
@Injectable()
export class SsoService {
  constructor(
    private readonly provider: SsoProvider,
    private readonly pending: SsoStateStore,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
  ) {}

  // The provider's authorization URL for a new sign-in, whose checks wait in Redis for the
  // callback. `returnTo`: a portal page the provider sends the browser back to instead of the
  // API's callback (the portal then brings the code to the callback itself).
  async start(request: SsoRequest, returnTo?: string): Promise<string> {
    const redirectUrl = redirectFor(this.provider.configured(), returnTo);
    if (!redirectUrl) {
      throw ssoError('sso-redirect-not-allowed');
    }
    const checks = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
      redirectUrl,
    };
    // The URL first: a provider that cannot be reached leaves nothing pending.
    const url = await this.provider.authorizationUrl(checks);
    await this.pending.begin(
      checks.state,
      { codeVerifier: checks.codeVerifier, nonce: checks.nonce, redirectUrl },
      request.address,
    );
    return url;
  }

  // Where the provider sends the browser back: the pending sign-in is taken (once), the code
  // exchanged, and an active staff account with the verified email gets a session.
  async complete(query: URLSearchParams, request: SsoRequest): Promise<TokenDto> {
    this.provider.configured();
    const state = query.get('state') ?? '';
    const pending = await this.pending.take(state);
    if (!pending) {
      throw ssoError('sso-state-invalid');
    }
    const identity = await this.provider.identify(query, {
      state,
      codeVerifier: pending.codeVerifier,
      nonce: pending.nonce,
      redirectUrl: pending.redirectUrl ?? this.provider.configured().redirectUrl,
    });
    const user = identity.email ? await this.users.findByEmail(identity.email) : null;
    const refusal = ssoRefusal(identity, user);
    if (refusal) {
      if (user) {
        await this.recordRefusal(user, identity, refusal, request);
      }
      throw ssoError(refusal);
    }
    const token = await this.auth.signIn(user!, {
      method: 'sso',
      address: request.address,
      userAgent: request.userAgent,
    });
    await this.recordSignIn(user!, identity, request);
    return token;
  }

  private async recordSignIn(
    user: User,
    identity: ProvenIdentity,
    request: SsoRequest,
  ): Promise<void> {
    await this.dataSource.transaction((manager) =>
      this.audit.record(
        manager,
        { id: user.id, label: `${user.email} (${user.role})` },
        {
          command: 'user.sso-sign-in',
          objectType: 'user',
          objectId: user.id,
          changes: createdFields(
            { issuer: identity.issuer, subject: identity.subject, address: request.address },
            ['issuer', 'subject', 'address'],
          ),
        },
      ),
    );
  }

  // A refused sign-in that names an account here (an unverified claim to it, or an applicant's
  // or deactivated account): worth an administrator's attention. The actor is unproven, so it
  // is the provider's account, not the user.
  private async recordRefusal(
    user: User,
    identity: ProvenIdentity,
    refusal: SsoRefusal,
    request: SsoRequest,
  ): Promise<void> {
    await this.dataSource.transaction((manager) =>
      this.audit.record(
        manager,
        { id: null, label: `sso ${identity.subject} at ${identity.issuer}` },
        {
          command: 'user.sso-sign-in-refused',
          objectType: 'user',
          objectId: user.id,
          changes: createdFields(
            {
              reason: refusal,
              issuer: identity.issuer,
              subject: identity.subject,
              address: request.address,
            },
            ['reason', 'issuer', 'subject', 'address'],
          ),
        },
      ),
    );
  }
}
