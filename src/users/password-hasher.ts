import { Inject, Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

// Passwords are kept as argon2id hashes at the configured cost (PASSWORD_HASH_*; by default the
// library's 64 MiB, 3 passes, 4 lanes). A hash names its own cost, so hashes made at another
// cost still verify.
@Injectable()
export class PasswordHasher {
  // Verified against when the email is unknown, so a wrong email takes as long as a wrong
  // password.
  private decoy: Promise<string> | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  hash(password: string): Promise<string> {
    const { memoryKib, passes, lanes } = this.config.passwordHashing;
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: memoryKib,
      timeCost: passes,
      parallelism: lanes,
    });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  decoyHash(): Promise<string> {
    this.decoy ??= this.hash('decoy-password-never-matches');
    return this.decoy;
  }
}
