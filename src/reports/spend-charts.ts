import { formatPounds } from '../common/money';

// Charts for the HTML spend report, drawn on the server as inline SVG: readable without
// JavaScript and on paper in black and white (every bar names its series and prints its amount;
// a legend and an axis say what the bars are), and by screen readers (a <title> and a <desc>
// that lists every amount, joined to the image by aria-labelledby). Amounts are whole pence.

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// GOV.UK colours, each far enough from the others in grey as well.
const SERIES = {
  profile: { name: 'Profile', colour: '#b1b4b6' },
  awarded: { name: 'Awarded', colour: '#1d70b8' },
  claimed: { name: 'Claimed', colour: '#f47738' },
  approved: { name: 'Approved', colour: '#00703c' },
  paid: { name: 'Paid', colour: '#4c2c92' },
} as const;
type SeriesKey = keyof typeof SERIES;

interface BarGroup {
  label: string;
  pence: Partial<Record<SeriesKey, number>>;
}

const BAR = 14;
const ROW = 18;
const GROUP_GAP = 10;
const GROUP_LABEL_WIDTH = 90;
const SERIES_LABEL_WIDTH = 70;
const VALUE_SPACE = 110;
const LEGEND_HEIGHT = 26;
const AXIS_HEIGHT = 40;

// Whole pounds for the axis ticks (£150,000): the bars carry the exact amounts.
const tickPounds = (pence: number) => formatPounds(Math.round(pence / 100) * 100).slice(0, -3);

// The legend: a swatch and the series' name for each series, in a row at the top.
function legendFor(series: readonly SeriesKey[]): string {
  return series
    .map((key, index) => {
      const x = index * 110;
      return (
        `<rect x="${x}" y="4" width="12" height="12" fill="${SERIES[key].colour}" stroke="#0b0c0c" stroke-width="0.5"/>` +
        `<text x="${x + 18}" y="15" font-size="12">${SERIES[key].name}</text>`
      );
    })
    .join('');
}

// The SVG around a chart's drawing, with its title and a description that reads every amount.
function chart(
  id: string,
  title: string,
  series: readonly SeriesKey[],
  groups: BarGroup[],
  width: number,
  height: number,
  drawing: string,
): string {
  const description = groups
    .map(
      (group) =>
        `${group.label}: ` +
        series
          .map((key) => `${SERIES[key].name.toLowerCase()} ${formatPounds(group.pence[key] ?? 0)}`)
          .join(', '),
    )
    .join('; ');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${id}-title ${id}-desc" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title id="${id}-title">${escape(title)}</title><desc id="${id}-desc">${escape(description)}.</desc>` +
    `${drawing}</svg>`
  );
}

// Columns in groups (the round's quarters), one column per series, each with its amount written
// up its length above it; the group's name below, an amount axis on the left.
function groupedColumns(
  id: string,
  title: string,
  axisTitle: string,
  series: readonly SeriesKey[],
  groups: BarGroup[],
): string {
  const column = 16;
  const groupWidth = series.length * column + 18;
  const axisWidth = 80;
  const labelSpace = 80;
  const plotHeight = 150;
  const plotTop = LEGEND_HEIGHT + labelSpace;
  const baseline = plotTop + plotHeight;
  const width = Math.max(axisWidth + groups.length * groupWidth + 10, 460);
  const height = baseline + 44;
  const max = Math.max(1, ...groups.flatMap((group) => series.map((key) => group.pence[key] ?? 0)));
  const columns = groups
    .map((group, groupIndex) => {
      const left = axisWidth + 8 + groupIndex * groupWidth;
      const drawn = series.map((key, index) => {
        const pence = group.pence[key] ?? 0;
        const x = left + index * column;
        const length = Math.max(0, Math.round((pence / max) * plotHeight));
        const top = baseline - length;
        return (
          `<rect x="${x}" y="${top}" width="${column - 3}" height="${length}" fill="${SERIES[key].colour}"/>` +
          `<text transform="translate(${x + column - 5} ${top - 4}) rotate(-90)" font-size="10">${escape(formatPounds(pence))}</text>`
        );
      });
      return (
        drawn.join('') +
        `<text x="${left + (series.length * column) / 2}" y="${baseline + 14}" font-size="11" text-anchor="middle">${escape(group.label)}</text>`
      );
    })
    .join('');
  const ticks = [0, 0.5, 1]
    .map((share) => {
      const y = baseline - Math.round(share * plotHeight);
      return (
        `<line x1="${axisWidth - 4}" y1="${y}" x2="${axisWidth}" y2="${y}" stroke="#0b0c0c"/>` +
        `<text x="${axisWidth - 6}" y="${y + 4}" font-size="10" text-anchor="end">${escape(tickPounds(share * max))}</text>`
      );
    })
    .join('');
  const axes =
    `<line x1="${axisWidth}" y1="${plotTop}" x2="${axisWidth}" y2="${baseline}" stroke="#0b0c0c"/>` +
    `<line x1="${axisWidth}" y1="${baseline}" x2="${width - 4}" y2="${baseline}" stroke="#0b0c0c"/>` +
    ticks +
    `<text transform="translate(12 ${plotTop + plotHeight / 2}) rotate(-90)" font-size="12" text-anchor="middle">Amount (£)</text>` +
    `<text x="${axisWidth + (width - axisWidth) / 2}" y="${baseline + 34}" font-size="12" text-anchor="middle">${escape(axisTitle)}</text>`;
  return chart(id, title, series, groups, width, height, `${legendFor(series)}${columns}${axes}`);
}

// Horizontal bars in groups (a quarter, an award), one bar per series, each with its series name
// on the left and its amount at its end; a legend above and an amount axis below.
function groupedBars(
  id: string,
  title: string,
  groupHeading: string,
  series: readonly SeriesKey[],
  groups: BarGroup[],
  width = 640,
): string {
  const max = Math.max(1, ...groups.flatMap((group) => series.map((key) => group.pence[key] ?? 0)));
  const barX = GROUP_LABEL_WIDTH + SERIES_LABEL_WIDTH;
  const barSpace = width - barX - VALUE_SPACE;
  const groupHeight = series.length * ROW + GROUP_GAP;
  const plotTop = LEGEND_HEIGHT + ROW;
  const plotHeight = groups.length * groupHeight;
  const height = plotTop + plotHeight + AXIS_HEIGHT;
  const legend = legendFor(series);
  const heading = `<text x="0" y="${plotTop - 6}" font-size="12" font-weight="bold">${escape(groupHeading)}</text>`;
  const bars = groups
    .map((group, groupIndex) => {
      const top = plotTop + groupIndex * groupHeight;
      const rows = series.map((key, index) => {
        const pence = group.pence[key] ?? 0;
        const y = top + index * ROW;
        const length = Math.max(0, Math.round((pence / max) * barSpace));
        return (
          `<text x="${GROUP_LABEL_WIDTH}" y="${y + 12}" font-size="11">${SERIES[key].name}</text>` +
          `<rect x="${barX}" y="${y + 2}" width="${length}" height="${BAR}" fill="${SERIES[key].colour}"/>` +
          `<text x="${barX + length + 6}" y="${y + 13}" font-size="11">${escape(formatPounds(pence))}</text>`
        );
      });
      return (
        `<text x="0" y="${top + 12}" font-size="12" font-weight="bold">${escape(group.label)}</text>` +
        rows.join('')
      );
    })
    .join('');
  const axisY = plotTop + plotHeight;
  const ticks = [0, 0.5, 1]
    .map((share) => {
      const x = barX + Math.round(share * barSpace);
      const anchor = share === 0 ? 'start' : share === 1 ? 'end' : 'middle';
      return (
        `<line x1="${x}" y1="${axisY}" x2="${x}" y2="${axisY + 4}" stroke="#0b0c0c"/>` +
        `<text x="${x}" y="${axisY + 16}" font-size="11" text-anchor="${anchor}">${escape(tickPounds(share * max))}</text>`
      );
    })
    .join('');
  const axis =
    `<line x1="${barX}" y1="${axisY}" x2="${barX + barSpace}" y2="${axisY}" stroke="#0b0c0c"/>` +
    ticks +
    `<text x="${barX + barSpace / 2}" y="${axisY + 34}" font-size="12" text-anchor="middle">Amount (£)</text>`;
  return chart(id, title, series, groups, width, height, `${legend}${heading}${bars}${axis}`);
}

// One award: awarded, claimed, approved and paid, one bar each.
export function awardChart(
  id: string,
  reference: string,
  amounts: { awardedPence: number; claimedPence: number; approvedPence: number; paidPence: number },
): string {
  return groupedBars(
    `chart-${id}`,
    `${reference}: awarded, claimed, approved and paid`,
    'Award',
    ['awarded', 'claimed', 'approved', 'paid'],
    [
      {
        label: reference,
        pence: {
          awarded: amounts.awardedPence,
          claimed: amounts.claimedPence,
          approved: amounts.approvedPence,
          paid: amounts.paidPence,
        },
      },
    ],
  );
}

// The round's spend by quarter: profile, claimed, approved and paid columns for each quarter.
export function quarterChart(
  quarters: {
    label: string;
    profilePence: number;
    claimedPence: number;
    approvedPence: number;
    paidPence: number;
  }[],
): string {
  return groupedColumns(
    'chart-quarters',
    'Spend by quarter: profile, claimed, approved and paid',
    'Financial year and quarter',
    ['profile', 'claimed', 'approved', 'paid'],
    quarters.map((q) => ({
      label: q.label,
      pence: {
        profile: q.profilePence,
        claimed: q.claimedPence,
        approved: q.approvedPence,
        paid: q.paidPence,
      },
    })),
  );
}
