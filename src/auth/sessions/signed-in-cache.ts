import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { Client, type Notification, type Pool, type PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import type { SignedInRow } from './session-store';

// What a token stood for (its user and session, SessionStore.findSignedIn), kept in memory for
// a few seconds, so that a person's requests in quick succession check their account with one
// read instead of one each. It never answers with something changed since it was read:
//
// - Every change to `users` or `user_sessions` is announced by PostgreSQL on CHANNEL with the
//   user's id (migration UserAccessChangeNotices), whoever makes it, and that user's entries are
//   dropped when the announcement is heard.
// - A change made in this process is heard before the code that made it goes on: every pool
//   connection listens too, and PostgreSQL hands a connection its own transaction's notices
//   before it answers the COMMIT. So a deactivation, a role change, an ended session or a
//   sign-out everywhere is in force for this process's next request.
// - Another process hears it on its own listening connection as the change commits (about a
//   millisecond, not a request's round trip).
// - A read that began before a change and ends after it is not kept (`changes` moved on).
// - Nothing is kept or answered while the listening connection is down, or while the pool holds
//   a connection that could not listen: every request then reads the database, as with no cache.
const CHANNEL = 'user_access_changed';
// The most users remembered at once; past it the oldest go first.
const MAX_USERS = 10_000;
// How long to wait before listening again after the listening connection is lost.
const RELISTEN_MS = 1_000;

interface Entry {
  row: SignedInRow;
  until: number;
}

@Injectable()
export class SignedInCache implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SignedInCache.name);
  private readonly keepMs: number;
  private readonly databaseUrl: string;
  // Entries by user id, then session id.
  private readonly entries = new Map<string, Map<string, Entry>>();
  // Moves on at every change heard (and whenever the cache is emptied).
  private changes = 0;
  private listener: Client | null = null;
  private listening = false;
  // Pool connections that could not listen: their commits would go unheard in this process
  // until another connection passed them on, so nothing is cached while the pool keeps one.
  private readonly deafClients = new Set<PoolClient>();
  private stopped = false;
  private triedToListen = false;
  private readonly poolListeners = new WeakSet<PoolClient>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.keepMs = config.signedInCacheSeconds * 1000;
    this.databaseUrl = config.databaseUrl;
  }

  onApplicationBootstrap(): void {
    // The driver's pg pool: each connection listens the first time it is handed out, before the
    // work it was taken for (pg runs a connection's queries in the order they were asked for).
    const pool = this.pool();
    if (this.keepMs === 0 || !pool) {
      return;
    }
    pool.on('acquire', this.listenOn).on('remove', this.forgetDeaf);
    void this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.forgetAll();
    this.pool()?.off('acquire', this.listenOn).off('remove', this.forgetDeaf);
    await this.listener?.end().catch(() => undefined);
  }

  // The row for this user and session: remembered, or read by `load` (and remembered unless a
  // change was heard meanwhile). `null` (no such user) is never remembered.
  async read(
    userId: string,
    sessionId: string,
    load: () => Promise<SignedInRow | null>,
  ): Promise<SignedInRow | null> {
    if (!this.serving()) {
      return load();
    }
    const entry = this.entries.get(userId)?.get(sessionId);
    if (entry && entry.until > Date.now()) {
      return entry.row;
    }
    const changes = this.changes;
    const row = await load();
    if (row && changes === this.changes && this.serving()) {
      this.remember(userId, sessionId, row);
    }
    return row;
  }

  private pool(): Pool | undefined {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  private serving(): boolean {
    return this.listening && this.deafClients.size === 0 && !this.stopped;
  }

  private remember(userId: string, sessionId: string, row: SignedInRow): void {
    let sessions = this.entries.get(userId);
    if (!sessions) {
      if (this.entries.size >= MAX_USERS) {
        this.entries.delete(this.entries.keys().next().value as string);
      }
      sessions = new Map();
      this.entries.set(userId, sessions);
    }
    // Shared by every request that finds it: frozen so that none can change it for the others.
    Object.freeze(row.user);
    if (row.session) {
      Object.freeze(row.session);
    }
    sessions.set(sessionId, { row: Object.freeze(row), until: Date.now() + this.keepMs });
  }

  private readonly heard = (notice: Notification): void => {
    if (notice.channel !== CHANNEL) {
      return;
    }
    this.changes += 1;
    if (notice.payload === '*' || notice.payload === undefined) {
      this.entries.clear();
    } else {
      this.entries.delete(notice.payload);
    }
  };

  private forgetAll(): void {
    this.changes += 1;
    this.entries.clear();
  }

  private readonly listenOn = (client: PoolClient): void => {
    if (this.poolListeners.has(client)) {
      return;
    }
    this.poolListeners.add(client);
    client.on('notification', this.heard);
    client.query(`LISTEN ${CHANNEL}`).catch((error: Error) => {
      if (this.stopped) {
        return;
      }
      this.logger.warn(
        `A database connection could not listen for account changes (${error.message}): ` +
          'accounts are checked in the database on every request while the pool keeps it.',
      );
      this.deafClients.add(client);
      this.forgetAll();
    });
  };

  private readonly forgetDeaf = (client: PoolClient): void => {
    this.deafClients.delete(client);
  };

  // The connection that hears other processes' changes; listened again after a loss, with the
  // cache empty and unused until then.
  private async listen(): Promise<void> {
    if (this.stopped) {
      return;
    }
    const client = new Client({ connectionString: this.databaseUrl });
    this.listener = client;
    const lost = (error?: Error) => {
      if (client !== this.listener) {
        return;
      }
      // Said once when hearing stops (or never starts), not at every try to listen again.
      const say = this.listening || !this.triedToListen;
      this.triedToListen = true;
      this.listener = null;
      this.listening = false;
      this.forgetAll();
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (!this.stopped) {
        if (say) {
          this.logger.warn(
            `Lost the connection that hears account changes${error ? ` (${error.message})` : ''}: ` +
              'accounts are checked in the database on every request until it is back.',
          );
        }
        setTimeout(() => void this.listen(), RELISTEN_MS).unref();
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', this.heard);
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (client === this.listener && !this.stopped) {
        this.listening = true;
        this.triedToListen = true;
      }
    } catch (error) {
      lost(error as Error);
    }
  }
}
