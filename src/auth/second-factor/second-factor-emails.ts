import type { EmailMessage } from '../../notifications/outbox.service';
import type { User } from '../../users/user.entity';

// After a reset: the token version is new with each reset, so each reset sends its own email.
export function secondFactorResetEmail(user: User, signInUrl: string): EmailMessage {
  return {
    template: 'second-factor-reset',
    to: user.email,
    dedupeKey: `user:${user.id}:second-factor-reset:${user.tokenVersion}`,
    about: { type: 'user', id: user.id },
    data: { name: user.name, email: user.email, signInUrl },
  };
}
