import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '../config/project-root';
import { EmailTemplateError, EmailTemplates } from './email-templates';

const REAL = projectPath('templates', 'emails');

describe('email templates', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'email-templates-'));
    cpSync(REAL, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('renders subject, HTML and plain text inside the layout, escaping HTML only in HTML', () => {
    const rendered = EmailTemplates.load(REAL).render('account-setup-reminder', {
      name: 'Jo <Smith>',
      email: 'jo@example.org',
      invitedAt: '2026-03-29T00:30:00Z',
      expiresAt: '2026-04-02T00:30:00Z',
      link: 'https://grants.example.org/account/set-password?token=abc',
    });
    expect(rendered.subject).toBe('Reminder: set up your Safer Streets grants account');
    expect(rendered.html).toContain('<title>Reminder: set up your Safer Streets grants account');
    expect(rendered.html).toContain('Dear Jo &lt;Smith&gt;,');
    expect(rendered.html).toContain(
      'href="https://grants.example.org/account/set-password?token&#x3D;abc"',
    );
    // 00:30 UTC on the day the clocks go forward is 29 March in London too; the date is UK time.
    expect(rendered.html).toContain('On 29 March 2026 we invited you');
    expect(rendered.text).toContain('Dear Jo <Smith>,');
    expect(rendered.text).toContain(
      'Choose your password: https://grants.example.org/account/set-password?token=abc',
    );
    expect(rendered.text).toMatch(/^SAFER STREETS GRANTS\n/);
    expect(rendered.text).toContain('Replies to this address are not read.');
    expect(rendered.text).not.toMatch(/\n{3}/);
  });

  it('fails the render when a variable is missing instead of sending a blank', () => {
    const templates = EmailTemplates.load(REAL);
    expect(() =>
      templates.render('account-invitation', { name: 'Jo', email: 'jo@example.org' }),
    ).toThrow(/"roleDescription" not defined/);
  });

  it('shows dates in UK time and money as pounds through the helpers', () => {
    const folder = join(dir, 'messages', 'helpers-check');
    mkdirSync(folder);
    writeFileSync(join(folder, 'subject.hbs'), 'Award of {{pounds amount}}');
    writeFileSync(join(folder, 'body.html.hbs'), '<p>Due {{date at}}</p>');
    writeFileSync(join(folder, 'body.text.hbs'), '{{ukTime at}} {{date at}} {{pounds amount}}');
    const rendered = EmailTemplates.load(dir).render('helpers-check', {
      at: '2026-07-01T16:00:00Z',
      amount: 55_000_000,
    });
    expect(rendered.subject).toBe('Award of £550,000.00');
    expect(rendered.html).toContain('<p>Due 1 July 2026</p>');
    expect(rendered.text).toContain('1 July 2026 17:00:00 BST 1 July 2026 £550,000.00');
  });

  it('names the zone of a UK time in the email, with no "(UK time)" after it', () => {
    const rendered = EmailTemplates.load(REAL).render('offer-expiry-reminder', {
      organisationName: 'Northumbria PCC',
      amountPence: 55_000_000,
      title: 'Safer parks',
      reference: 'SSF9-0001',
      offerExpiresAt: '2026-12-23T23:59:59Z',
      daysLeft: 3,
      letterUrl: 'https://grants.example.org/awards/a1/offer-letter',
    });
    expect(rendered.text).toContain('Accept or decline it by 23 December 2026 23:59:59 GMT:');
    expect(rendered.html).toContain('by <strong>23 December 2026 23:59:59 GMT</strong>:');
  });

  it('has no template that writes "UK time" after a time the helpers already zone', () => {
    const root = projectPath('templates');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.hbs'),
    );
    const redundant = files.filter((file) =>
      /(UkTime|London|ukTime [\w.]+)\}\}(<\/strong>)?,? \(?UK time\)|\{\{dateTime /.test(
        readFileSync(join(root, file), 'utf8'),
      ),
    );
    expect(redundant).toEqual([]);
  });

  it('refuses to load with every problem listed: a missing part, bad syntax, unknown partial or helper', () => {
    unlinkSync(join(dir, 'messages', 'account-invitation', 'body.text.hbs'));
    writeFileSync(join(dir, 'messages', 'account-setup-reminder', 'subject.hbs'), 'Hi {{#if x}}');
    writeFileSync(
      join(dir, 'messages', 'account-setup-reminder', 'body.html.hbs'),
      '{{> sidebar}}',
    );
    writeFileSync(join(dir, 'partials', 'footer.text.hbs'), '{{shout name}}');
    let error: unknown;
    try {
      EmailTemplates.load(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EmailTemplateError);
    const message = (error as Error).message;
    expect(message).toContain('account-invitation has no text part (expected body.text.hbs)');
    expect(message).toMatch(/account-setup-reminder\/subject\.hbs: Parse error/);
    expect(message).toContain('uses the partial "sidebar", which is not in partials/');
    expect(message).toContain('uses the helper "shout", which does not exist');
  });

  it('refuses a folder without the layout', () => {
    unlinkSync(join(dir, 'layout.text.hbs'));
    expect(() => EmailTemplates.load(dir)).toThrow(
      /the text layout .*layout\.text\.hbs is missing/,
    );
  });
});
