import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { User } from '../../users/user.entity';
import { RecoveryCode, SecondFactor } from './second-factor.entity';

// Named access to a user's second factor. The two user columns it writes (the confirmed moment
// and, on a reset, the token version) change only with the factor, in the same transaction.
@Injectable()
export class SecondFactorStore {
  find(manager: EntityManager, userId: string): Promise<SecondFactor | null> {
    return manager.findOneBy(SecondFactor, { userId });
  }

  // A new pending enrolment replaces any earlier one: new secret, no step used, new codes.
  async savePending(
    manager: EntityManager,
    userId: string,
    secretCiphertext: string,
    codeHashes: string[],
  ): Promise<void> {
    await manager.delete(SecondFactor, { userId });
    await manager.delete(RecoveryCode, { userId });
    await manager.insert(SecondFactor, { userId, secretCiphertext, lastUsedStep: null });
    await manager.insert(
      RecoveryCode,
      codeHashes.map((codeHash) => ({ userId, codeHash })),
    );
  }

  // Records `step` as used unless it or a later one already was: of two requests with one code,
  // exactly one gets true.
  async takeStep(manager: EntityManager, userId: string, step: number): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(SecondFactor)
      .set({ lastUsedStep: step })
      .where('user_id = :userId AND (last_used_step IS NULL OR last_used_step < :step)', {
        userId,
        step,
      })
      .execute();
    return result.affected === 1;
  }

  // Deletes the code if the user has it: true for exactly one of two requests with one code.
  async takeRecoveryCode(
    manager: EntityManager,
    userId: string,
    codeHash: string,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .delete()
      .from(RecoveryCode)
      .where('user_id = :userId AND code_hash = :codeHash', { userId, codeHash })
      .execute();
    return result.affected === 1;
  }

  recoveryCodesLeft(manager: EntityManager, userId: string): Promise<number> {
    return manager.countBy(RecoveryCode, { userId });
  }

  async markEnrolled(manager: EntityManager, userId: string, at: Date): Promise<void> {
    await manager.update(User, { id: userId }, { secondFactorEnrolledAt: at });
  }

  // Secret and codes gone, enrolment undone, and every session ended (a new token version).
  async remove(manager: EntityManager, user: User): Promise<User> {
    await manager.delete(SecondFactor, { userId: user.id });
    await manager.delete(RecoveryCode, { userId: user.id });
    user.secondFactorEnrolledAt = null;
    user.tokenVersion += 1;
    return manager.save(user);
  }
}
