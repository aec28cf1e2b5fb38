import { Injectable } from '@nestjs/common';
import { EmailTemplates } from './email-templates';

// A kind of reminder a module registers for the daily scan. `select` is one SQL query, run with
// $1 = the scan time and $2.. = `params`, returning the columns dedupe_key (text), recipients
// (text[]), data (jsonb), object_type and object_id: one row per email due. The dedupe key
// names the step (`return:{id}:due-14d`), so each step is sent once however often the scan runs.
export interface ReminderKind {
  name: string;
  template: string;
  select: string;
  params?: unknown[];
}

@Injectable()
export class ReminderRegistry {
  private readonly registered = new Map<string, ReminderKind>();

  constructor(private readonly templates: EmailTemplates) {}

  register(kind: ReminderKind): void {
    if (this.registered.has(kind.name)) {
      throw new Error(`The reminder kind "${kind.name}" is registered twice.`);
    }
    if (!this.templates.has(kind.template)) {
      throw new Error(
        `The reminder kind "${kind.name}" uses the email template "${kind.template}", which does not exist.`,
      );
    }
    this.registered.set(kind.name, kind);
  }

  kinds(): ReminderKind[] {
    return [...this.registered.values()];
  }
}
