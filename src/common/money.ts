// Money is integer pence; this is the one place it becomes pounds, for people and machines to read.
export function formatPounds(pence: number | bigint | string): string {
  const value = toPence(pence);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const pounds = (magnitude / 100n).toLocaleString('en-GB');
  const pennies = (magnitude % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}£${pounds}.${pennies}`;
}

// Pounds for machines (CSV, open data): no symbol or separators, always two decimals, exact.
export function plainPounds(pence: number | bigint | string): string {
  const value = toPence(pence);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  return `${negative ? '-' : ''}${magnitude / 100n}.${(magnitude % 100n).toString().padStart(2, '0')}`;
}

function toPence(pence: number | bigint | string): bigint {
  if (typeof pence === 'bigint') {
    return pence;
  }
  if (typeof pence === 'number' ? Number.isSafeInteger(pence) : /^-?\d+$/.test(pence)) {
    return BigInt(pence);
  }
  throw new TypeError(`Money must be a whole number of pence, got ${String(pence)}`);
}

// Pounds as a person types them ("12500", "12,500.50", "£300", "0.5") to whole pence, or
// undefined for anything else: more than two decimal places, a sign, letters, misplaced commas.
export function parsePounds(text: string): number | undefined {
  const typed = text.trim().replace(/^£\s*/, '');
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$/.test(typed)) {
    return undefined;
  }
  const [pounds, pennies = ''] = typed.replace(/,/g, '').split('.');
  const pence = BigInt(pounds) * 100n + BigInt(pennies.padEnd(2, '0'));
  return pence <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(pence) : undefined;
}
