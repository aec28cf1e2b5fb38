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

// Pounds as a person types them ("12500", "12,500.50", "£12,500.5") as whole pence; undefined
// for anything else (letters, a third decimal, misplaced commas, a negative amount, too large).
export function penceFromPounds(text: string): number | undefined {
  const match = /^£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const pence =
    BigInt(match[1].replace(/,/g, '')) * 100n + BigInt((match[2] ?? '0').padEnd(2, '0'));
  return pence <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(pence) : undefined;
}
