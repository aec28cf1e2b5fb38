import { readdirSync } from 'node:fs';
import { loadConfig } from '../config/load-config';
import { projectPath } from '../config/project-root';
import { EmailTemplates } from './email-templates';
import { loadPortalLinks, pageUrl, type PortalLinks, type PortalPage } from './portal-links';

const TEMPLATES = projectPath('templates', 'emails');
const ID = '6f1c5a8e-3b7a-4c1e-9a55-2f0f8c1d2e3a';
const AT = '2026-07-01T16:00:00Z';

// The link variables the email builders fill, and the page each must be a link to.
const LINK_VARIABLES: Record<string, PortalPage> = {
  roundUrl: 'round',
  bidUrl: 'bid',
  endorsementUrl: 'endorsement',
  awardUrl: 'award',
  letterUrl: 'offerLetter',
  returnUrl: 'return',
  assignmentUrl: 'assignment',
  downloadUrl: 'exportDownload',
  ownerUrl: 'bid',
  signInUrl: 'signIn',
  link: 'setPassword',
};

// Every variable any template reads, so each renders under its strict mode.
function sampleData(links: PortalLinks): Record<string, unknown> {
  const flat = {
    ...Object.fromEntries(
      Object.entries(LINK_VARIABLES).map(([name, page]) => [
        name,
        pageUrl(links, page, { id: ID, token: 'link-token.abc' }),
      ]),
    ),
    reference: 'SSF5-0042',
    title: 'Safer alleys',
    organisationName: 'Newcastle City Council',
    roundName: 'Round 5',
    roundCode: 'SSF5',
    name: 'Jo Smith',
    email: 'jo@example.org',
    financialYear: '2026-27',
    quarter: 1,
    kind: 'capital',
    category: 'Situational',
    type: 'Street lighting',
    pccName: 'PCC for Northumbria',
    awaitingPcc: 'PCC for Northumbria',
    assessorName: 'Sam',
    signatoryName: 'Alex',
    roleDescription: 'a bidder',
    formatName: 'CSV',
    reason: 'Out of scope',
    feedback: 'Good',
    comment: 'Fix line 2',
    comments: 'None',
    digest: 'abc123',
    amountPence: 100_00,
    requestedPence: 300_000_00,
    payablePence: 50_00,
    matchFundingPence: 60_000_00,
    costPence: 30_000_00,
    claimedPence: 25_00,
    daysLeft: 3,
    daysOverdue: 7,
    spread: 25,
    threshold: 20,
    mean: 3.5,
    lowest: 2,
    highest: 5,
    endorsed: true,
    reset: true,
    expiresAt: AT,
    dueOn: '2026-07-30',
    deliveryEndsOn: '2027-03-31',
    dueAt: AT,
    closesAt: AT,
    roundClosesAt: AT,
    revoked: false,
    submittedAt: AT,
    offerExpiresAt: AT,
    changedAt: AT,
    asAt: AT,
    acceptedAt: AT,
    paymentDueOn: '2026-08-01',
    invitedAt: AT,
    uploadedAt: AT,
    fileName: 'Letter of support.pdf',
    signature: 'Eicar-Test-Signature',
    ownerLabel: 'bid SSF5-0042',
    ownerReference: 'SSF5-0042',
  };
  return {
    ...flat,
    conditions: ['Quarterly returns'],
    returns: [flat],
    lines: [flat],
    interventions: [flat],
    costLines: [flat],
  };
}

// Every URL in a rendered email: the HTML's href and src attributes and the text's URLs.
function urlsIn(rendered: { html: string; text: string }): string[] {
  const fromHtml = [...rendered.html.matchAll(/\b(?:href|src)="([^"]*)"/g)].map((m) =>
    m[1].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'),
  );
  const fromText = [...rendered.text.matchAll(/\bhttps?:\/\/[^\s)>"]+/g)].map((m) => m[0]);
  return [...fromHtml, ...fromText];
}

function pageOf(links: PortalLinks, url: string): PortalPage | undefined {
  return (Object.keys(links.pages) as PortalPage[]).find((page) => {
    const pattern = (links.baseUrl + links.pages[page])
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/?#&\\s]+');
    return new RegExp(`^${pattern}$`).test(url);
  });
}

describe('portal links', () => {
  const templates = EmailTemplates.load(TEMPLATES);
  const names = readdirSync(`${TEMPLATES}/messages`).sort();
  const configs: [string, PortalLinks][] = [
    ['a portal', loadConfig({ PORTAL_BASE_URL: 'https://portal.example.gov.uk/grants/' }).portal],
    ['no portal', loadConfig({ PUBLIC_BASE_URL: 'https://api.example.gov.uk' }).portal],
  ];

  it.each(configs)('links every email only to defined pages, with %s', (_, links) => {
    const linked = new Set<PortalPage>();
    for (const name of names) {
      const urls = urlsIn(templates.render(name, sampleData(links)));
      for (const url of urls) {
        const page = pageOf(links, url);
        expect([name, url, page]).toEqual([name, url, expect.any(String)]);
        linked.add(page as PortalPage);
      }
    }
    // Every page emails link to is reached by some template.
    expect([...linked].sort()).toEqual([...new Set(Object.values(LINK_VARIABLES))].sort());
  });

  it('points at the portal when there is one, else at what the API serves', () => {
    const [[, portal], [, api]] = configs;
    expect(pageUrl(portal, 'bid', { id: ID })).toBe(
      `https://portal.example.gov.uk/grants/bids/${ID}`,
    );
    expect(pageUrl(portal, 'setPassword', { token: 'a.b c' })).toBe(
      'https://portal.example.gov.uk/grants/account/set-password?token=a.b%20c',
    );
    expect(pageUrl(api, 'bid', { id: ID })).toBe(`https://api.example.gov.uk/bids/${ID}`);
    expect(pageUrl(api, 'award', { id: ID })).toBe(`https://api.example.gov.uk/awards/${ID}`);
    expect(pageUrl(api, 'offerLetter', { id: ID })).toBe(
      `https://api.example.gov.uk/awards/${ID}/offer-letter`,
    );
    expect(pageUrl(api, 'signIn')).toBe('https://api.example.gov.uk/sign-in');
    expect(pageUrl(api, 'resetPassword', { token: 't' })).toBe(
      'https://api.example.gov.uk/account/reset-password?token=t',
    );
    expect(() => pageUrl(api, 'bid')).toThrow(/needs its id/);
  });

  it('moves one page by PORTAL_PAGE_<NAME>, keeping its parameters, and refuses a bad setting', () => {
    const problems: string[] = [];
    const links = loadPortalLinks(
      {
        PORTAL_BASE_URL: 'https://portal.example',
        PORTAL_PAGE_SET_PASSWORD: '/welcome?invite={token}',
      },
      'http://localhost:3000',
      problems,
    );
    expect(problems).toEqual([]);
    expect(pageUrl(links, 'setPassword', { token: 'x' })).toBe(
      'https://portal.example/welcome?invite=x',
    );
    const refused: string[] = [];
    loadPortalLinks(
      { PORTAL_BASE_URL: 'ftp://portal', PORTAL_PAGE_BID: '/bids/{bidId}' },
      'http://localhost:3000',
      refused,
    );
    expect(refused).toEqual([
      'PORTAL_BASE_URL must be a URL starting http:// or https://',
      'PORTAL_PAGE_BID must be a path starting / with the parameters id, like /bids/{id}',
    ]);
  });
});
