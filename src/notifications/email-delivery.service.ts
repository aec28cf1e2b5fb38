import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EmailDeliveryStore } from './email-delivery-store';
import { EmailRenderSteps } from './email-render-steps';
import { EmailTemplates, RenderedEmail } from './email-templates';
import { MailTransport } from './mail-transport';
import { withoutEmailAddresses } from '../observability/log-redaction';

export type DeliveryOutcome = 'sent' | 'skipped';

// Thrown when sending again cannot help (the template cannot be rendered with the row's data).
export class UndeliverableEmailError extends Error {}

// retrying: this attempt failed and the job will try again; failed: no more attempts.
type DeliveryLogOutcome = DeliveryOutcome | 'retrying' | 'failed';
interface DeliveryLogFields {
  outboxId: string;
  template: string | undefined;
  outcome: DeliveryLogOutcome;
  attempt: number;
}

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
    private readonly store: EmailDeliveryStore,
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
      const row = await this.store.claim(runner.manager, outboxId);
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
        await this.markUnsent(outboxId, { outcome: 'failed', error: reason, subject: null });
        logDelivery('failed', reason);
        throw new UndeliverableEmailError(reason);
      }
      subject = rendered.subject;
      await this.store.markSent(runner.manager, outboxId, {
        subject: rendered.subject,
        messageId: this.transport.messageId(outboxId),
      });
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
      const outcome = lastAttempt ? 'failed' : 'retrying';
      await this.markUnsent(outboxId, { outcome, error: messageOf(error), subject });
      logDelivery(outcome, error);
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

  // After the send's transaction rolled back: on a connection of its own.
  private async markUnsent(
    id: string,
    attempt: Parameters<EmailDeliveryStore['markUnsent']>[2],
  ): Promise<void> {
    await this.store.markUnsent(this.dataSource.manager, id, attempt);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
