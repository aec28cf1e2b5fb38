import { startApp, type TestApp } from './support/app';

// What a browser (or someone poking at the portal) may send that no page can use: a traversal
// or a NUL in an asset's address, a form too big, a form in a type no page reads. Each gets a
// page in the service's style with a 4xx status, never "there is a problem with the service".
describe('the portal’s answers to requests no page can use', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ processRole: 'api' });
  });
  afterAll(() => t?.close());

  // The sign-in form's token and its cookie, so a post gets past the form check.
  async function signInForm(): Promise<{ cookies: string; csrf: string }> {
    const page = await t.http().get('/sign-in').set('accept', 'text/html').expect(200);
    const cookies = (page.headers['set-cookie'] as unknown as string[])
      .map((set) => set.split(';')[0])
      .join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    expect(csrf).not.toBe('');
    return { cookies, csrf };
  }

  it('answers an asset address that climbs out of its folder or holds a NUL as not found', async () => {
    for (const path of [
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/%2e%2e',
      '/assets/a%00b.css',
      '/assets/..%5c..%5cpackage.json',
    ]) {
      const answer = await t.http().get(path).set('accept', 'text/html');
      expect([path, answer.status]).toEqual([path, 404]);
      expect(answer.text).toContain('Page not found');
    }
    // The real files are still served.
    await t.http().get('/assets/govuk/govuk-frontend.min.css').expect(200);
  });

  it('refuses a form too big or of a type no page reads with a 4xx page that changes nothing', async () => {
    const { cookies, csrf } = await signInForm();
    const huge = await t
      .http()
      .post('/sign-in')
      .set('cookie', cookies)
      .type('form')
      .send({ _csrf: csrf, email: 'a'.repeat(100_000), password: 'x' });
    expect(huge.status).toBe(413);
    expect(huge.text).not.toContain('there is a problem with the service');
    expect(huge.text).toContain('too large');

    const text = await t
      .http()
      .post('/sign-in')
      .set('cookie', cookies)
      .set('content-type', 'text/plain')
      .send(`_csrf=${csrf}&email=a@b.c&password=x`);
    expect(text.status).toBe(415);
    expect(text.text).not.toContain('there is a problem with the service');
    expect(text.headers['set-cookie'] ?? []).not.toContainEqual(
      expect.stringContaining('ssg-session='),
    );
  });
});
