import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isUUID } from 'class-validator';
import type { User } from '../../users/user.entity';
import { SecondFactorChallengeDto } from './second-factor.dto';
import { CHALLENGE_TTL_SECONDS, SECOND_FACTOR_METHODS } from './second-factor.rules';
import { secondFactorError } from './second-factor.errors';

// A challenge's own audience: never taken for an access token (it has no `amr`), and an access
// token is never taken for a challenge.
const AUDIENCE = 'second-factor-challenge';

export interface Challenge {
  // Counts wrong codes and marks the challenge spent (SecondFactorLimiter).
  id: string;
  userId: string;
  // The user's token version when the password was given: a reset or deactivation since ends it.
  tokenVersion: number;
}

type ChallengeClaims = Partial<Record<'sub' | 'ver' | 'jti', unknown>>;

// What the password step of a login answers a user with a second factor: signed by us, so no
// server state until a wrong code is counted.
@Injectable()
export class SecondFactorChallenges {
  constructor(private readonly jwt: JwtService) {}

  async issue(user: User): Promise<SecondFactorChallengeDto> {
    const challenge = await this.jwt.signAsync(
      { sub: user.id, ver: user.tokenVersion, jti: randomUUID() },
      { audience: AUDIENCE, expiresIn: CHALLENGE_TTL_SECONDS },
    );
    return { challenge, expiresIn: CHALLENGE_TTL_SECONDS, methods: [...SECOND_FACTOR_METHODS] };
  }

  async verify(challenge: string): Promise<Challenge> {
    let claims: ChallengeClaims;
    try {
      claims = await this.jwt.verifyAsync<ChallengeClaims>(challenge, {
        algorithms: ['HS256'],
        audience: AUDIENCE,
      });
    } catch (error) {
      const expired = error instanceof Error && error.name === 'TokenExpiredError';
      throw secondFactorError(
        expired ? 'second-factor-challenge-expired' : 'second-factor-challenge-invalid',
        {
          message: expired
            ? `This sign-in waited more than ${CHALLENGE_TTL_SECONDS / 60} minutes for a code: log in again with your password.`
            : 'This is not a sign-in challenge this service issued: log in again with your password.',
        },
      );
    }
    const { sub, ver, jti } = claims;
    if (
      typeof sub !== 'string' ||
      !isUUID(sub) ||
      typeof jti !== 'string' ||
      !isUUID(jti) ||
      typeof ver !== 'number' ||
      !Number.isSafeInteger(ver)
    ) {
      throw secondFactorError('second-factor-challenge-invalid', {
        message:
          'This is not a sign-in challenge this service issued: log in again with your password.',
      });
    }
    return { id: jti, userId: sub, tokenVersion: ver };
  }
}
