import { EventEmitter } from 'node:events';
import type { ClientBase, Notification } from 'pg';
import type { AppConfig } from '../../config/app-config';

// PostgreSQL announces every change to a user or a session on CHANNEL with the user's id (`*` for
// a TRUNCATE), from triggers (migration UserAccessChangeNotices); TRIGGERS names them, so a
// process can check they are there before relying on them. A new session (an INSERT) is not
// announced: nothing remembered names it yet.
export const ACCOUNT_CHANGES_CHANNEL = 'user_access_changed';
export const ACCOUNT_CHANGE_TRIGGERS = ['users_access_changed', 'user_sessions_access_changed'];

// What every listening connection of this process hears on the channel, passed on as it is
// heard (synchronously, so a connection's own change is passed on before its COMMIT answers).
// Every API app in the process subscribes (tests start many in one).
export const accountChangeNotices = new EventEmitter().setMaxListeners(0);

// Whether this process's pool connections listen: API processes that remember account checks.
export function poolListensForAccountChanges(config: AppConfig): boolean {
  return config.processRole !== 'worker' && config.signedInCacheSeconds > 0;
}

// Makes `client` listen, passing on what it hears. The pool's hook for each new connection
// (pg-pool's onConnect: it runs before anyone is handed the connection, and a connection that
// cannot listen is closed and its checkout fails), and SignedInCache's own listening connection.
export async function listenForAccountChanges(client: ClientBase): Promise<void> {
  client.on('notification', (notice: Notification) => {
    if (notice.channel === ACCOUNT_CHANGES_CHANNEL) {
      accountChangeNotices.emit('notice', notice.payload ?? '*');
    }
  });
  await client.query(`LISTEN ${ACCOUNT_CHANGES_CHANNEL}`);
}
