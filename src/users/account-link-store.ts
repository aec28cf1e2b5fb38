import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AccountLink } from './account-link.entity';
import type { AccountLinkPurpose } from './account-link.rules';
import { accountLinkKey, accountLinkToken, tokenHash, verifiedLinkId } from './account-link-tokens';

// Named access to account links. Every method takes the caller's transaction.
@Injectable()
export class AccountLinkStore {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = accountLinkKey(config.jwtSecret);
  }

  // A new link: the row's id is chosen here so that the hash of its token is stored with it.
  async create(
    manager: EntityManager,
    userId: string,
    purpose: AccountLinkPurpose,
    expiresAt: Date,
  ): Promise<AccountLink> {
    const id = randomUUID();
    return manager.save(
      manager.create(AccountLink, {
        id,
        userId,
        purpose,
        expiresAt,
        tokenHash: tokenHash(accountLinkToken(this.key, id)),
      }),
    );
  }

  // The link a token names, locked for the caller to use or refuse; null for a token this server
  // did not make or a link of another purpose.
  async lockByToken(
    manager: EntityManager,
    token: string,
    purpose: AccountLinkPurpose,
  ): Promise<AccountLink | null> {
    if (verifiedLinkId(this.key, token) === null) {
      return null;
    }
    return manager.findOne(AccountLink, {
      where: { tokenHash: tokenHash(token), purpose },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async markUsed(manager: EntityManager, link: AccountLink, at: Date): Promise<void> {
    await manager.update(AccountLink, { id: link.id, usedAt: IsNull() }, { usedAt: at });
  }

  // Voids the user's outstanding links of these purposes (but `except`); answers how many.
  async voidOutstanding(
    manager: EntityManager,
    userId: string,
    purposes: AccountLinkPurpose[],
    at: Date,
    except?: string,
  ): Promise<number> {
    const update = manager
      .createQueryBuilder()
      .update(AccountLink)
      .set({ voidedAt: at })
      .where('user_id = :userId AND purpose IN (:...purposes)', { userId, purposes })
      .andWhere('used_at IS NULL AND voided_at IS NULL');
    if (except) {
      update.andWhere('id <> :except', { except });
    }
    return (await update.execute()).affected ?? 0;
  }
}
