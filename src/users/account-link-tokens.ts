import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { isUUID } from 'class-validator';
import { pageUrl, type PortalLinks } from '../notifications/portal-links';
import { ACCOUNT_LINK_PAGES, type AccountLinkPurpose } from './account-link.rules';

// A link's token is `<link id>.<HMAC-SHA256(key, link id)>`, the key derived from the JWT
// secret. Only the SHA-256 of the token is stored, and emails queued in the outbox carry only
// the link id: the worker derives the token when it renders the mail, so neither the database
// nor the outbox ever holds a token that works.
const KEY_LABEL = 'safer-streets account links v1';
const MAC_LENGTH = 32;

export function accountLinkKey(jwtSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(jwtSecret, 'utf8'), '', KEY_LABEL, 32));
}

function macOf(key: Buffer, linkId: string): Buffer {
  return createHmac('sha256', key).update(linkId).digest();
}

export function accountLinkToken(key: Buffer, linkId: string): string {
  return `${linkId}.${macOf(key, linkId).toString('base64url')}`;
}

// What is stored and looked up: the token, hashed.
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

// The link id of a token this server made, or null for anything else (checked before the
// database is asked, so made-up tokens cost one HMAC).
export function verifiedLinkId(key: Buffer, token: string): string | null {
  const [linkId, mac, ...rest] = token.split('.');
  if (rest.length > 0 || !linkId || !mac || !isUUID(linkId)) {
    return null;
  }
  const given = Buffer.from(mac, 'base64url');
  const expected = macOf(key, linkId);
  return given.length === MAC_LENGTH && timingSafeEqual(given, expected) ? linkId : null;
}

export function accountLinkUrl(
  links: PortalLinks,
  purpose: AccountLinkPurpose,
  token: string,
): string {
  return pageUrl(links, ACCOUNT_LINK_PAGES[purpose], { token });
}
