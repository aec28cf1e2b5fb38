import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { auditActor, AuditService } from '../../audit/audit.service';
import type { AuthenticatedUser } from '../../common/access';
import { MetricsService } from '../../observability/metrics.service';
import { UsersService } from '../../users/users.service';
import type { TokenDto } from '../auth.dto';
import { AuthService, SignInContext } from '../auth.service';
import { SecondFactorChallenges } from './second-factor-challenges';
import { SecondFactorEnrolmentService } from './second-factor-enrolment.service';
import { SecondFactorLimiter } from './second-factor-limiter';
import type { CompleteSecondFactorDto } from './second-factor.dto';
import { recoveryCodeHash } from './second-factor.rules';
import { SecondFactorStore } from './second-factor.store';
import { acceptedStep } from './totp';
import { secondFactorError } from './second-factor.errors';

type Context = Omit<SignInContext, 'method'>;

// The second step of a login, and the sign-in that ends an enrolment: both begin a session
// proven by a code (amr pwd + otp).
@Injectable()
export class SecondFactorLoginService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SecondFactorStore,
    private readonly challenges: SecondFactorChallenges,
    private readonly limiter: SecondFactorLimiter,
    private readonly enrolment: SecondFactorEnrolmentService,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  async confirmEnrolment(
    user: AuthenticatedUser,
    code: string,
    context: Context,
  ): Promise<TokenDto> {
    const enrolled = await this.enrolment.confirm(user, code);
    return this.auth.signIn(enrolled, { method: 'second-factor', ...context });
  }

  async complete(input: CompleteSecondFactorDto, context: Context): Promise<TokenDto> {
    const challenge = await this.challenges.verify(input.challenge);
    await this.limiter.checkAllowed(challenge.userId, challenge.id);
    const user = await this.users.findActiveById(challenge.userId);
    if (!user || user.tokenVersion !== challenge.tokenVersion || !user.secondFactorEnrolledAt) {
      throw secondFactorError('second-factor-challenge-invalid');
    }
    const accepted = await this.dataSource.transaction(async (manager) => {
      if (input.recoveryCode !== undefined) {
        const hash = recoveryCodeHash(user.id, input.recoveryCode);
        if (!(await this.store.takeRecoveryCode(manager, user.id, hash))) {
          return false;
        }
        const left = await this.store.recoveryCodesLeft(manager, user.id);
        await this.audit.record(manager, auditActor(user), {
          command: 'second-factor.recovery-code-use',
          objectType: 'user',
          objectId: user.id,
          changes: { recoveryCodesLeft: { before: left + 1, after: left } },
        });
        return true;
      }
      const factor = await this.store.find(manager, user.id);
      const step = factor
        ? await acceptedStep(this.enrolment.secretOf(factor), input.code ?? '', factor.lastUsedStep)
        : null;
      return step !== null && (await this.store.takeStep(manager, user.id, step));
    });
    if (!accepted) {
      this.metrics.loginFailed('second_factor_wrong');
      const failures = await this.limiter.recordFailure(user.id, challenge.id);
      // Counts only: never the code that was sent.
      await this.dataSource.transaction((manager) =>
        this.audit.record(manager, auditActor(user), {
          command: 'second-factor.code-refuse',
          objectType: 'user',
          objectId: user.id,
          changes: { failuresInARow: { before: failures - 1, after: failures } },
        }),
      );
      throw secondFactorError('second-factor-code-wrong', {
        message:
          input.recoveryCode !== undefined
            ? 'That recovery code is wrong or has been used already; each works once.'
            : 'That code is wrong, has expired or has been used already: send the code your authenticator app shows now (wait for the next one if you just used this one).',
      });
    }
    await this.limiter.recordSuccess(user.id, challenge.id);
    return this.auth.signIn(user, { method: 'second-factor', ...context });
  }
}
