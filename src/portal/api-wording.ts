import { formatLondonZoned, formatUkDate } from '../common/london-time';
import { isCalendarDate } from '../common/validation';

// The API's refusals are written for developers as much as for people: field names, ISO dates,
// seconds. Every API sentence a portal page shows passes through here once (formProblems, and
// the lists of what still stops a submission), so the portal says it in its own words.

interface Rewording {
  // The API field the error is about ('' for a refusal naming none); undefined: any field.
  field?: string;
  match: RegExp;
  say: (found: RegExpExecArray) => string;
}

const REWORDINGS: readonly Rewording[] = [
  {
    field: 'password',
    match: /most commonly used passwords/,
    say: () => 'Choose a password that is harder to guess: this one is among the most common',
  },
  // A return's spend off its profile names the API's field; the form's question is meant.
  {
    match: /explain why in varianceExplanation/,
    say: (found) =>
      found.input.replace(found[0], 'explain why in “Why spend differs from the profile”'),
  },
  // Rate limits count in seconds; a person waits in minutes.
  {
    match: /try again in (\d+) seconds/,
    say: (found) => found.input.replace(found[0], `try again in ${inMinutes(Number(found[1]))}`),
  },
];

// An ISO instant (`2027-03-31T12:00:00Z`, seconds and an offset optional) and an ISO date.
const ISO_INSTANT = /\b(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;
const ISO_DATE = /\b(\d{4}-\d{2}-\d{2})(?![\dT:])/g;

// An API sentence in the portal's words: a known one reworded, ISO instants as UK times with the
// clock named, ISO dates as UK dates.
export function inPortalWords(message: string, field = ''): string {
  let said = message;
  for (const rewording of REWORDINGS) {
    if (rewording.field !== undefined && rewording.field !== field) {
      continue;
    }
    const found = rewording.match.exec(said);
    if (found) {
      said = rewording.say(found);
    }
  }
  return said
    .replace(ISO_INSTANT, (iso, date: string) =>
      isCalendarDate(date) && !Number.isNaN(Date.parse(iso))
        ? formatLondonZoned(new Date(iso))
        : iso,
    )
    .replace(ISO_DATE, (iso) => (isCalendarDate(iso) ? formatUkDate(iso) : iso));
}

function inMinutes(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
