import { DataSource } from 'typeorm';

// A fresh machine has a PostgreSQL server but not our database: create it before migrating.
export async function ensureDatabaseExists(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const server = await new DataSource({ type: 'postgres', url: url.toString() }).initialize();
  try {
    const found = await server.query<unknown[]>('SELECT 1 FROM pg_database WHERE datname = $1', [
      name,
    ]);
    if (found.length > 0) {
      return false;
    }
    try {
      await server.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } catch (error) {
      // Another process starting at the same moment created it first: that is fine.
      if ((error as { driverError?: { code?: string } }).driverError?.code !== '42P04') {
        throw error;
      }
    }
    return true;
  } finally {
    await server.destroy();
  }
}
