import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import {
  ACCOUNT_CHANGE_TRIGGERS,
  accountChangeNotices,
  listenForAccountChanges,
  poolListensForAccountChanges,
} from './account-change-notices';
import type { SignedInRow } from './session-store';

// What a token stood for (its user and session, SessionStore.findSignedIn), kept in memory for
// a few seconds, so that a person's requests in quick succession check their account with one
// read instead of one each. Every change to a user or a session is announced by PostgreSQL
// (account-change-notices.ts), and that user's entries are dropped when it is heard:
//
// - In this process, before the code that made the change goes on: every pool connection
//   listens (DatabaseModule's onConnect hook), and PostgreSQL hands a connection its own
//   transaction's notices before it answers the COMMIT. A deactivation, role change, ended
//   session or sign-out made here holds from this process's next request.
// - In another process, when its listening connection hears the notice, sent as the change
//   commits: within milliseconds, not at once. A request that reaches it in between may still
//   be answered from memory; never longer than SIGNED_IN_CACHE_SECONDS, even unheard.
// - A read that began before a change and ends after it is not kept (`changes` moved on).
// - Nothing is kept or answered while the listening connection is down, or when the database
//   lacks the triggers (a migration not run yet): every request then reads the database.
// The most users remembered at once; past it the oldest go first.
const MAX_USERS = 10_000;
// How long to wait before listening again after the listening connection is lost, and before
// looking again for triggers that were missing.
const RELISTEN_MS = 1_000;
const TRIGGERS_AGAIN_MS = 30_000;

interface Entry {
  row: SignedInRow;
  until: number;
}

@Injectable()
export class SignedInCache implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SignedInCache.name);
  private readonly keepMs: number;
  private readonly databaseUrl: string;
  // Remembering needs the pool's connections to listen: only then (API processes, a keep time
  // above 0) does the cache listen and remember at all.
  private readonly enabled: boolean;
  // Entries by user id, then session id.
  private readonly entries = new Map<string, Map<string, Entry>>();
  // Moves on at every change heard (and whenever the cache is emptied).
  private changes = 0;
  private listener: Client | null = null;
  private listening = false;
  // Whether the loss of the listening connection, or the triggers' absence, is still to be said
  // (once each, not at every try).
  private lossToSay = true;
  private absenceToSay = true;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.keepMs = config.signedInCacheSeconds * 1000;
    this.databaseUrl = config.databaseUrl;
    this.enabled = poolListensForAccountChanges(config);
    accountChangeNotices.on('notice', this.heard);
  }

  onApplicationBootstrap(): void {
    if (this.enabled) {
      void this.listen();
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    accountChangeNotices.off('notice', this.heard);
    this.forgetAll();
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
    if (entry && entry.until > performance.now()) {
      return entry.row;
    }
    const changes = this.changes;
    const row = await load();
    if (row && changes === this.changes && this.serving()) {
      this.remember(userId, sessionId, row);
    }
    return row;
  }

  private serving(): boolean {
    return this.listening && !this.stopped;
  }

  // Without the triggers (the migrations not run yet) nothing announces a change.
  private async triggersPresent(client: Client): Promise<boolean> {
    const found = await client.query<{ tgname: string }>(
      `SELECT tgname FROM pg_trigger WHERE tgname = ANY($1) AND NOT tgisinternal`,
      [ACCOUNT_CHANGE_TRIGGERS],
    );
    const present = ACCOUNT_CHANGE_TRIGGERS.every((name) =>
      found.rows.some((row) => row.tgname === name),
    );
    if (!present && this.absenceToSay) {
      this.absenceToSay = false;
      this.logger.warn(
        'The database does not announce account changes (its migrations are not all run): ' +
          'accounts are checked in the database on every request.',
      );
    }
    return present;
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
    sessions.set(sessionId, { row: Object.freeze(row), until: performance.now() + this.keepMs });
  }

  private readonly heard = (payload: string): void => {
    this.changes += 1;
    if (payload === '*') {
      this.entries.clear();
    } else {
      this.entries.delete(payload);
    }
  };

  private forgetAll(): void {
    this.changes += 1;
    this.entries.clear();
  }

  // The connection that hears other processes' changes; listened again after a loss, with the
  // cache empty and unused until then. Kept alive by TCP keep-alives, so a connection dropped on
  // the way (a firewall's idle timeout) is noticed.
  private async listen(): Promise<void> {
    if (this.stopped) {
      return;
    }
    const client = new Client({
      connectionString: this.databaseUrl,
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
    });
    this.listener = client;
    const lost = (error?: Error) => {
      if (client !== this.listener) {
        return;
      }
      this.listener = null;
      this.listening = false;
      this.forgetAll();
      void client.end().catch(() => undefined);
      if (this.stopped) {
        return;
      }
      if (this.lossToSay) {
        this.lossToSay = false;
        this.logger.warn(
          `Not hearing account changes${error ? ` (${error.message})` : ''}: accounts are ` +
            'checked in the database on every request until the connection is back.',
        );
      }
      setTimeout(() => void this.listen(), RELISTEN_MS).unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await listenForAccountChanges(client);
      if (!(await this.triggersPresent(client))) {
        this.listener = null;
        await client.end();
        setTimeout(() => void this.listen(), TRIGGERS_AGAIN_MS).unref();
        return;
      }
      if (client === this.listener && !this.stopped) {
        this.listening = true;
        if (!this.lossToSay) {
          this.logger.log('Hearing account changes again: account checks are remembered again.');
        }
        this.lossToSay = true;
      }
    } catch (error) {
      lost(error as Error);
    }
  }
}
