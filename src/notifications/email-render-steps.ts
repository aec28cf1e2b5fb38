import { Injectable } from '@nestjs/common';
import type { EmailData } from './email-outbox.entity';
import { EmailTemplates } from './email-templates';

// Adds to a row's data what must not be stored with it, just before the worker renders the
// mail: a sign-in link's secret token is derived here from what the row holds (its link id).
// A step that throws makes the mail undeliverable, as a template that cannot render does.
export type EmailRenderStep = (data: EmailData) => EmailData;

@Injectable()
export class EmailRenderSteps {
  private readonly steps = new Map<string, EmailRenderStep>();

  constructor(private readonly templates: EmailTemplates) {}

  register(template: string, step: EmailRenderStep): void {
    if (this.steps.has(template)) {
      throw new Error(`The email template "${template}" has two render steps.`);
    }
    if (!this.templates.has(template)) {
      throw new Error(`A render step is registered for "${template}", which is not a template.`);
    }
    this.steps.set(template, step);
  }

  prepare(template: string, data: EmailData): EmailData {
    const step = this.steps.get(template);
    return step ? step(data) : data;
  }
}
