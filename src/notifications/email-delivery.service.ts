import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EmailData } from './email-outbox.entity';
import { EmailTemplates, RenderedEmail } from './email-templates';
import { MailTransport } from './mail-transport';

export type DeliveryOutcome = 'sent' | 'skipped';

// Thrown when sending again cannot help (the template cannot be rendered with the row's data).
export class UndeliverableEmailError extends Error {}

interface ClaimedRow {
  id: string;
  template: string;
  recipients: string[];
  data: EmailData;
}

const ERROR_LIMIT = 2000;

// Sends one outbox row. The row is claimed before sending and marked sent after, so a crash in
// between sends it at most once more (the job is taken up again) and never loses it.
@Injectable()
export class EmailDeliveryService {
  private readonly logger = new Logger(EmailDeliveryService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly templates: EmailTemplates,
    private readonly transport: MailTransport,
  ) {}

  // `lastAttempt`: no retry follows this one, so a failure is final.
  async deliver(outboxId: string, lastAttempt: boolean): Promise<DeliveryOutcome> {
    const row = await this.claim(outboxId);
    if (!row) {
      return 'skipped';
    }
    let rendered: RenderedEmail;
    try {
      rendered = this.templates.render(row.template, row.data);
    } catch (error) {
      const reason = `Could not render template "${row.template}": ${messageOf(error)}`;
      await this.markFailed(outboxId, reason, null);
      throw new UndeliverableEmailError(reason);
    }
    try {
      const messageId = await this.transport.send({ outboxId, to: row.recipients, ...rendered });
      await this.markSent(outboxId, rendered.subject, messageId);
      return 'sent';
    } catch (error) {
      if (lastAttempt) {
        await this.markFailed(outboxId, messageOf(error), rendered.subject);
        this.logger.warn(`Email ${outboxId} failed for good: ${messageOf(error)}`);
      } else {
        await this.markRetrying(outboxId, messageOf(error), rendered.subject);
      }
      throw error;
    }
  }

  private async claim(id: string): Promise<ClaimedRow | null> {
    const [rows] = await this.dataSource.query<[ClaimedRow[], number]>(
      `UPDATE email_outbox SET status = 'sending', attempts = attempts + 1, updated_at = now()
       WHERE id = $1 AND status IN ('pending', 'sending')
       RETURNING id, template, recipients, data`,
      [id],
    );
    return rows[0] ?? null;
  }

  private async markSent(id: string, subject: string, messageId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE email_outbox
       SET status = 'sent', sent_at = now(), subject = $2, message_id = $3, updated_at = now()
       WHERE id = $1`,
      [id, subject, messageId],
    );
  }

  private async markRetrying(id: string, error: string, subject: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE email_outbox SET status = 'pending', last_error = $2, subject = $3, updated_at = now()
       WHERE id = $1 AND status = 'sending'`,
      [id, error.slice(0, ERROR_LIMIT), subject],
    );
  }

  private async markFailed(id: string, error: string, subject: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE email_outbox
       SET status = 'failed', failed_at = now(), last_error = $2, subject = coalesce($3, subject),
           updated_at = now()
       WHERE id = $1 AND status = 'sending'`,
      [id, error.slice(0, ERROR_LIMIT), subject],
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
