// Instants are stored and sent in UTC; people read them in UK time.
const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

const LONDON_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

export function formatLondon(instant: Date): string {
  return LONDON.format(instant).replace(' at ', ', ');
}

export function formatLondonDate(instant: Date): string {
  return LONDON_DATE.format(instant);
}
