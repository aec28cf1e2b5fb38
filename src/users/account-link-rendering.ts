import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { EmailData } from '../notifications/email-outbox.entity';
import { EmailRenderSteps } from '../notifications/email-render-steps';
import type { AccountLinkPurpose } from './account-link.rules';
import { accountLinkKey, accountLinkToken, accountLinkUrl } from './account-link-tokens';

// Which templates carry which kind of link.
const LINK_TEMPLATES: Record<string, AccountLinkPurpose> = {
  'account-invitation': 'invitation',
  'account-setup-reminder': 'invitation',
  'password-reset': 'password-reset',
};

// The link is made when the mail is rendered, from the link id the row holds and the server key.
@Injectable()
export class AccountLinkRendering implements OnModuleInit {
  constructor(
    private readonly steps: EmailRenderSteps,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const key = accountLinkKey(this.config.jwtSecret);
    for (const [template, purpose] of Object.entries(LINK_TEMPLATES)) {
      this.steps.register(template, (data: EmailData) => {
        if (typeof data.linkId !== 'string') {
          throw new TypeError(`the ${template} email needs a linkId`);
        }
        const token = accountLinkToken(key, data.linkId);
        return { ...data, link: accountLinkUrl(this.config.portal, purpose, token) };
      });
    }
  }
}
