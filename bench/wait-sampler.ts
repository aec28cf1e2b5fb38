import type { DataSource } from 'typeorm';

// What a server's PostgreSQL backends are doing during a run, sampled every `everyMs` from
// pg_stat_activity: per sample, each backend's state and wait ("active", "active Lock:tuple",
// "idle in transaction Client:ClientRead"). Summed over the run, the counts show where the
// backends spend their time: running, waiting for a lock (queued behind another request),
// waiting for the server to send the next statement, or idle (the pool waiting for work).
export function sampleWaits(
  db: DataSource,
  applicationName: string,
  everyMs = 20,
): () => Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await db.query<{ what: string; n: number }[]>(
        `SELECT state || coalesce(' ' || wait_event_type || ':' || wait_event, '') AS what,
                count(*)::int AS n
           FROM pg_stat_activity WHERE application_name = $1 GROUP BY 1`,
        [applicationName],
      );
      for (const row of rows) {
        counts[row.what] = (counts[row.what] ?? 0) + row.n;
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return async () => {
    running = false;
    await loop;
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    return Object.fromEntries(
      Object.entries(counts)
        .sort((a, b) => b[1] - a[1])
        .map(([what, n]) => [what, Math.round((n / Math.max(1, total)) * 1000) / 10]),
    );
  };
}
