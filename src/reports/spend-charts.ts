import { formatPounds } from '../common/money';

// Charts for the HTML spend report, drawn on the server as inline SVG: readable without
// JavaScript, printable, with a <title> a screen reader announces. Amounts are whole pence.

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const COLOURS = { awarded: '#1d70b8', claimed: '#f47738', approved: '#00703c', paid: '#4c2c92' };

// Bars scaled to the largest value, each labelled with its name and amount.
function bars(
  title: string,
  items: { label: string; pence: number; colour: string }[],
  width = 420,
): string {
  const max = Math.max(1, ...items.map((item) => item.pence));
  const rowHeight = 22;
  const labelWidth = 80;
  const barSpace = width - labelWidth - 110;
  const rows = items
    .map((item, index) => {
      const y = index * rowHeight;
      const length = Math.round((item.pence / max) * barSpace);
      return (
        `<text x="0" y="${y + 15}" font-size="12">${escape(item.label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 4}" width="${length}" height="14" fill="${item.colour}"/>` +
        `<text x="${labelWidth + length + 6}" y="${y + 15}" font-size="12">${escape(formatPounds(item.pence))}</text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${items.length * rowHeight}" viewBox="0 0 ${width} ${items.length * rowHeight}">` +
    `<title>${escape(title)}</title>${rows}</svg>`
  );
}

// One award: awarded, claimed and paid side by side.
export function awardChart(
  reference: string,
  amounts: { awardedPence: number; claimedPence: number; paidPence: number },
): string {
  return bars(
    `${reference}: awarded ${formatPounds(amounts.awardedPence)}, claimed ${formatPounds(amounts.claimedPence)}, paid ${formatPounds(amounts.paidPence)}`,
    [
      { label: 'Awarded', pence: amounts.awardedPence, colour: COLOURS.awarded },
      { label: 'Claimed', pence: amounts.claimedPence, colour: COLOURS.claimed },
      { label: 'Paid', pence: amounts.paidPence, colour: COLOURS.paid },
    ],
  );
}

// The round's spend by quarter: profile as an outline, claimed and paid as columns.
export function quarterChart(
  quarters: { label: string; profilePence: number; claimedPence: number; paidPence: number }[],
): string {
  const height = 200;
  const group = 70;
  const width = Math.max(group * quarters.length + 20, 200);
  const max = Math.max(
    1,
    ...quarters.flatMap((q) => [q.profilePence, q.claimedPence, q.paidPence]),
  );
  const scale = (pence: number) => Math.round((pence / max) * (height - 40));
  const columns = quarters
    .map((q, index) => {
      const x = 10 + index * group;
      const column = (offset: number, pence: number, colour: string, name: string) =>
        `<rect x="${x + offset}" y="${height - 20 - scale(pence)}" width="18" height="${scale(pence)}" fill="${colour}"><title>${escape(`${q.label} ${name}: ${formatPounds(pence)}`)}</title></rect>`;
      return (
        `<rect x="${x}" y="${height - 20 - scale(q.profilePence)}" width="60" height="${scale(q.profilePence)}" fill="none" stroke="#505a5f" stroke-dasharray="4 2"><title>${escape(`${q.label} profile: ${formatPounds(q.profilePence)}`)}</title></rect>` +
        column(8, q.claimedPence, COLOURS.claimed, 'claimed') +
        column(32, q.paidPence, COLOURS.paid, 'paid') +
        `<text x="${x}" y="${height - 5}" font-size="11">${escape(q.label)}</text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title>Spend by quarter: profile (dashed), claimed and paid</title>${columns}</svg>`
  );
}
