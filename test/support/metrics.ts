import { get } from 'node:http';

// Reading Prometheus's text exposition format: one sample per line, `name{label="value",...} n`.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function samples(text: string): Sample[] {
  const parsed: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) {
      continue;
    }
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = value;
    }
    parsed.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return parsed;
}

// The samples of `name` whose labels include `labels`.
export function matching(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): Sample[] {
  return samples(text).filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}

// The one sample of `name` with exactly these labels' values (others ignored), or 0 when the
// series does not exist yet (a counter or histogram not yet observed).
export function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const found = matching(text, name, labels);
  if (found.length > 1) {
    throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  }
  return found[0]?.value ?? 0;
}

// GET over a connection of its own, closed after the answer (no keep-alive socket outlives the
// test, as fetch's pool would).
export function plainGet(
  url: string,
): Promise<{ status: number; contentType: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'],
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', reject);
    }).on('error', reject);
  });
}
