import { type Env, url } from '../config/env-readers';

// The portal pages emails link to, defined once: page name → path, with {param}s filled in
// when a link is made. A portal (PORTAL_BASE_URL) serves these paths.
export const PORTAL_PAGES = {
  round: '/rounds/{id}',
  bid: '/bids/{id}',
  endorsement: '/endorsements/bids/{id}',
  award: '/awards/{id}',
  offerLetter: '/awards/{id}/offer-letter',
  return: '/returns/{id}',
  assignment: '/assignments/{id}',
  exportDownload: '/exports/{id}/download',
  signIn: '/sign-in',
  setPassword: '/account/set-password?token={token}',
  resetPassword: '/account/reset-password?token={token}',
} as const;

export type PortalPage = keyof typeof PORTAL_PAGES;

// Without PORTAL_BASE_URL, links open the same pages under PUBLIC_BASE_URL: every one is the
// built-in portal's (src/portal), which asks a browser to sign in first where the page is about
// one object. PORTAL_PAGE_<NAME> still moves a page either way.

export interface PortalLinks {
  // PORTAL_BASE_URL, or PUBLIC_BASE_URL without a portal; no trailing slash.
  baseUrl: string;
  pages: Record<PortalPage, string>;
}

// PORTAL_BASE_URL is where the pages are (else PUBLIC_BASE_URL); PORTAL_PAGE_<NAME> (e.g.
// PORTAL_PAGE_SET_PASSWORD) moves one page, keeping its {params}.
export function loadPortalLinks(env: Env, publicBaseUrl: string, problems: string[]): PortalLinks {
  const portal = url(env, 'PORTAL_BASE_URL', '', ['http:', 'https:'], problems);
  const pages: Record<PortalPage, string> = { ...PORTAL_PAGES };
  for (const page of Object.keys(pages) as PortalPage[]) {
    const name = `PORTAL_PAGE_${page.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    const override = env[name];
    if (override === undefined || override === '') {
      continue;
    }
    const wanted = paramsOf(PORTAL_PAGES[page]).join(', ');
    if (!override.startsWith('/') || paramsOf(override).join(', ') !== wanted) {
      problems.push(
        `${name} must be a path starting / with the parameters ${wanted || '(none)'}, like ${PORTAL_PAGES[page]}`,
      );
    }
    pages[page] = override;
  }
  return { baseUrl: (portal || publicBaseUrl).replace(/\/+$/, ''), pages };
}

// The full URL of a page: pageUrl(links, 'bid', { id }).
export function pageUrl(
  links: PortalLinks,
  page: PortalPage,
  params: Record<string, string> = {},
): string {
  return `${links.baseUrl}${links.pages[page].replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) {
      throw new Error(`A link to the ${page} page needs its ${name}`);
    }
    return encodeURIComponent(value);
  })}`;
}

// The full URL with its {params} left in, for SQL that fills them: replace($1, '{id}', b.id).
export function pageUrlTemplate(links: PortalLinks, page: PortalPage): string {
  return `${links.baseUrl}${links.pages[page]}`;
}

function paramsOf(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}
