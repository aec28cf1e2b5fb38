import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Every benchmark adds its own figures to bench/results.json under its key, leaving the others'
// as they stand, so one part can be re-run alone. Only the keys issues 9, 24 and 25 name are kept.
export const RESULTS_FILE = join(__dirname, '..', '..', 'bench', 'results.json');

export interface BenchResults {
  // p99 figures are the median pass's, with the worst pass's beside them (`*_worst`).
  api: { ours_rps: number; p99_ms: number; p99_ms_worst: number; passes: number };
  // Our API against the same two requests in one statement each, and our p99 when offered half
  // our peak at a fixed arrival rate (issue 25).
  api_floor: {
    floor_rps: number;
    ours_rps: number;
    ratio: number;
    p99_ms_at_half_load: number;
    p99_ms_at_half_load_worst: number;
    half_load_offered_rps: number;
    half_load_answered_rps: number;
  };
  export_csv: ExportFigures;
  export_xlsx: ExportFigures;
  // Our CSV job against a plain COPY of as many return lines, through pg (issue 24): with the
  // awards' spend facts kept (and how long keeping them all took), and with nothing kept.
  export_floor: {
    rows: number;
    raw_copy_s: number;
    ours_csv_s: number;
    ratio: number;
    spend_facts_kept_s: number;
    ours_csv_nothing_kept_s?: number;
    nothing_kept_ratio?: number;
  };
  export_scaling: { peak_rss_mb_10k: number; peak_rss_mb_1m: number };
  // The queries of GET /rounds/{id}/spend-summary for 50 awards against a plain read of their
  // lines (issue 24: under 50 ms).
  spend_summary_50_awards: {
    lines: number;
    p50_ms: number;
    p95_ms: number;
    plain_p50_ms: number;
    ratio: number;
  };
  email: {
    mails: number;
    ours_per_s: number;
    baseline_per_s: number;
    ratio: number;
    lost: number;
    duplicated: number;
  };
  reminder_scan: { returns: number; seconds: number };
  body_shape: {
    cpu_ms_normal_login: number;
    cpu_ms_hostile_login: number;
    cpu_ms_hostile_route: number;
    cpu_ratio_hostile_to_login: number;
    health_p99_ms_alone: number;
    health_p99_ms_under_attack: number;
    health_p99_ratio: number;
    hostile_bodies_sent: number;
  };
}

interface ExportFigures {
  rows: number;
  ours_s: number;
  copy_s: number;
  ratio: number;
  peak_rss_mb: number;
}

const KEYS: (keyof BenchResults)[] = [
  'api',
  'api_floor',
  'export_csv',
  'export_floor',
  'export_xlsx',
  'export_scaling',
  'spend_summary_50_awards',
  'email',
  'reminder_scan',
  'body_shape',
];

function readResults(): Partial<BenchResults> {
  try {
    return JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Partial<BenchResults>;
  } catch {
    return {};
  }
}

export function recordResult<K extends keyof BenchResults>(key: K, figures: BenchResults[K]): void {
  const results: Partial<BenchResults> = { ...readResults(), [key]: figures };
  const ordered = Object.fromEntries(
    KEYS.filter((k) => results[k] !== undefined).map((k) => [k, results[k]]),
  );
  writeFileSync(RESULTS_FILE, `${JSON.stringify(ordered, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify({ [key]: figures })}\n`);
}

// The middle of several passes' figures (the mean of the middle two for an even count): a pass
// that met another program's burst on this shared machine moves it less than the worst does.
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// Two decimals is as much as a figure measured once on a shared machine can carry.
export const round2 = (value: number): number => Math.round(value * 100) / 100;
