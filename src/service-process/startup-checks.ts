import { Client } from 'pg';
import { serviceAddress } from './service-address';

const RETRY_MS = 500;
const ATTEMPT_TIMEOUT_MS = 3_000;

// A start that cannot go on: its message is the one line the operator sees.
export class StartupError extends Error {}

function reason(error: unknown): string {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  const text = typeof message === 'string' && message !== '' ? message : String(code ?? error);
  // The driver's messages name host and port at most; a URL (with its password) never.
  return text.replace(/\w+:\/\/[^\s]*/g, '<url>');
}

// Waits, quietly retrying, until PostgreSQL accepts a connection and answers, or the deadline
// (a Date.now() value) passes: then a StartupError naming the setting and host:port.
export async function waitForPostgres(databaseUrl: string, deadline: number): Promise<void> {
  let last: unknown;
  for (;;) {
    const client = new Client({
      connectionString: databaseUrl,
      connectionTimeoutMillis: Math.max(100, Math.min(ATTEMPT_TIMEOUT_MS, deadline - Date.now())),
    });
    // A connection that breaks after connecting reports here, not as an unhandled event.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      last = error;
    } finally {
      await client.end().catch(() => undefined);
    }
    if (Date.now() + RETRY_MS >= deadline) {
      throw new StartupError(
        `Cannot reach PostgreSQL at ${serviceAddress(databaseUrl)} (DATABASE_URL): ${reason(last)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}
