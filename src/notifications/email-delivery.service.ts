import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EmailData } from './email-outbox.entity';
import { EmailRenderSteps } from './email-render-steps';
import { EmailTemplates, RenderedEmail } from './email-templates';
import { MailTransport } from './mail-transport';
import { withoutEmailAddresses } from '../observability/log-redaction';

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

// retrying: this attempt failed and the job will try again; failed: no more attempts.
type DeliveryLogOutcome = DeliveryOutcome | 'retrying' | 'failed';
interface DeliveryLogFields {
  outboxId: string;
  template: string | undefined;
  outcome: DeliveryLogOutcome;
  attempt: number;
}
// How long a job waits for the row while another job for it is mid-send.
const LOCK_WAIT = '10s';

// Sends one outbox row, inside a transaction that holds the row locked from before the SMTP
// conversation to after it. The row is marked sent in that transaction, which commits the moment
// the SMTP server accepts the mail, so a process killed before then leaves the row unsent (the
// database rolls back, the job is taken up again) and one killed after leaves it sent. A second
// job for the same row waits for the lock, then finds the row sent and skips it: the only mail
// that can go twice is one whose acceptance reached us and whose COMMIT did not leave this
// process, a window of one event-loop turn. A failed send rolls back and is recorded after.
@Injectable()
export class EmailDeliveryService {
  private readonly logger = new Logger(EmailDeliveryService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly templates: EmailTemplates,
    private readonly steps: EmailRenderSteps,
    private readonly transport: MailTransport,
  ) {}

  // `lastAttempt`: no retry follows this one, so a failure is final. `attempt` counts this
  // job's tries (1 for the first), for the delivery's log line.
  async deliver(outboxId: string, lastAttempt: boolean, attempt = 1): Promise<DeliveryOutcome> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let subject: string | null = null;
    let template: string | undefined;
    const logDelivery = (outcome: DeliveryLogOutcome, error?: unknown) =>
      this.logDelivery({ outboxId, template, outcome, attempt }, error);
    try {
      await runner.startTransaction();
      // Waits while another job for the row is mid-send, but not for ever.
      await runner.query(`SET LOCAL lock_timeout = '${LOCK_WAIT}'`);
      const [row] = (await runner.query(
        `SELECT id, template, recipients, data FROM email_outbox
         WHERE id = $1 AND status IN ('pending', 'sending') FOR UPDATE`,
        [outboxId],
      )) as ClaimedRow[];
      if (!row) {
        await runner.commitTransaction();
        logDelivery('skipped');
        return 'skipped';
      }
      template = row.template;
      let rendered: RenderedEmail;
      try {
        rendered = this.templates.render(row.template, this.steps.prepare(row.template, row.data));
      } catch (error) {
        await runner.rollbackTransaction();
        const reason = `Could not render template "${row.template}": ${messageOf(error)}`;
        await this.markFailed(outboxId, reason, null);
        logDelivery('failed', reason);
        throw new UndeliverableEmailError(reason);
      }
      subject = rendered.subject;
      await runner.query(
        `UPDATE email_outbox
         SET status = 'sent', attempts = attempts + 1, sent_at = now(), subject = $2,
             message_id = $3, updated_at = now()
         WHERE id = $1`,
        [outboxId, rendered.subject, this.transport.messageId(outboxId)],
      );
      await this.transport.send({ outboxId, to: row.recipients, ...rendered });
      await runner.commitTransaction();
      logDelivery('sent');
      return 'sent';
    } catch (error) {
      if (error instanceof UndeliverableEmailError) {
        throw error;
      }
      if (runner.isTransactionActive) {
        await runner.rollbackTransaction().catch(() => undefined);
      }
      if (lastAttempt) {
        await this.markFailed(outboxId, messageOf(error), subject);
        logDelivery('failed', error);
      } else {
        await this.markRetrying(outboxId, messageOf(error), subject);
        logDelivery('retrying', error);
      }
      throw error;
    } finally {
      await runner.release();
    }
  }

  // One line per delivery attempt, naming the row and template but never the recipients (personal
  // data), not even inside an SMTP server's error text.
  private logDelivery(fields: DeliveryLogFields, error?: unknown): void {
    const line = {
      msg: 'email delivery',
      ...fields,
      ...(error === undefined ? {} : { error: withoutEmailAddresses(messageOf(error)) }),
    };
    if (fields.outcome === 'sent' || fields.outcome === 'skipped') {
      this.logger.log(line);
    } else {
      this.logger.warn(line);
    }
  }

  private async markRetrying(id: string, error: string, subject: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE email_outbox
       SET status = 'pending', attempts = attempts + 1, last_error = $2,
           subject = coalesce($3, subject), updated_at = now()
       WHERE id = $1 AND status IN ('pending', 'sending')`,
      [id, error.slice(0, ERROR_LIMIT), subject],
    );
  }

  private async markFailed(id: string, error: string, subject: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE email_outbox
       SET status = 'failed', attempts = attempts + 1, failed_at = now(), last_error = $2,
           subject = coalesce($3, subject), updated_at = now()
       WHERE id = $1 AND status IN ('pending', 'sending')`,
      [id, error.slice(0, ERROR_LIMIT), subject],
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
