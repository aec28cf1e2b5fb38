import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG, AppConfig } from '../config/app-config';

export interface OutgoingEmail {
  // The outbox row id: the Message-ID and the .eml file name come from it.
  outboxId: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
}

// SMTP with pooled connections when SMTP_URL is set; otherwise .eml files a person can open.
@Injectable()
export class MailTransport implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(MailTransport.name);
  private readonly transporter: Transporter;
  private readonly domain: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const { smtpUrl, concurrency } = config.mail;
    this.transporter = smtpUrl
      ? createTransport({ url: smtpUrl, pool: true, maxConnections: concurrency })
      : createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    this.domain = /@([^@>\s]+)>?\s*$/.exec(config.mail.from)?.[1] ?? 'safer-streets.localhost';
  }

  onModuleInit(): void {
    const { smtpUrl, dir } = this.config.mail;
    this.logger.log(
      smtpUrl
        ? `Sending email over SMTP to ${new URL(smtpUrl).host}`
        : `No SMTP_URL: writing email as .eml files to ${dir}`,
    );
  }

  // A resend of the same row carries the same Message-ID, so a receiver can recognise it.
  messageId(outboxId: string): string {
    return `<${outboxId}@${this.domain}>`;
  }

  async send(email: OutgoingEmail): Promise<string> {
    const messageId = this.messageId(email.outboxId);
    const info = (await this.transporter.sendMail({
      from: this.config.mail.from,
      to: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      messageId,
    })) as { message?: Buffer };
    if (!this.config.mail.smtpUrl && info.message) {
      await mkdir(this.config.mail.dir, { recursive: true });
      await writeFile(join(this.config.mail.dir, `${email.outboxId}.eml`), info.message);
    }
    return messageId;
  }

  onModuleDestroy(): void {
    this.transporter.close();
  }
}
