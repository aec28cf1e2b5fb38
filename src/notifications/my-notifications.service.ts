import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../common/access';
import { formatLondonZoned } from '../common/london-time';
import type { Page, PageQuery } from '../common/pagination';
import type { EmailOutbox } from './email-outbox.entity';
import { OutboxStore } from './outbox-store';
import { EmailTemplates } from './email-templates';
import type { MyNotificationDto } from './my-notification.dto';

// The data fields that hold an email's link to its object's page (never a sign-in link: those are
// made by the worker at render time and are not stored).
const LINK_FIELDS = ['bidUrl', 'returnUrl', 'assignmentUrl', 'awardUrl', 'exportUrl'];

// The emails sent to the signed-in user: outbox rows whose recipients include their address.
@Injectable()
export class MyNotificationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: OutboxStore,
    private readonly templates: EmailTemplates,
  ) {}

  async list(user: AuthenticatedUser, page: PageQuery): Promise<Page<MyNotificationDto>> {
    const [rows, total] = await this.store.pageForRecipient(
      this.dataSource.manager,
      user.email.trim().toLowerCase(),
      page,
    );
    return {
      items: rows.map((row) => this.toDto(row)),
      total,
      limit: page.limit,
      offset: page.offset,
    };
  }

  private toDto(row: EmailOutbox): MyNotificationDto {
    const link = LINK_FIELDS.map((field) => row.data[field]).find(
      (value): value is string => typeof value === 'string',
    );
    return {
      id: row.id,
      template: row.template,
      subject: row.subject ?? this.subjectOf(row),
      status: row.status,
      createdAt: row.createdAt.toISOString(),
      createdAtLondon: formatLondonZoned(row.createdAt),
      sentAt: row.sentAt?.toISOString() ?? null,
      sentAtLondon: row.sentAt ? formatLondonZoned(row.sentAt) : null,
      objectType: row.objectType,
      objectId: row.objectId,
      link: link ?? null,
    };
  }

  private subjectOf(row: EmailOutbox): string | null {
    try {
      return this.templates.renderSubject(row.template, row.data);
    } catch {
      return null;
    }
  }
}
