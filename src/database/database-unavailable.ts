// Is this error the database being away (restarting, shut down, unreachable, the connection cut
// mid-query) rather than something wrong with the request? Such a request was not completed: its
// transaction rolled back with the connection, and trying again shortly will do.
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown: terminating connection due to administrator command
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the database system is starting up or shutting down
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

// What node-postgres says when the server goes away without a protocol error.
const UNAVAILABLE_MESSAGES =
  /Connection terminated|terminating connection|Client has encountered a connection error|connection timeout|timeout exceeded when trying to connect|Client was closed|not queryable/i;

const RELEASED_RUNNER_ERRORS = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  // TypeORM lets go of a query runner whose connection broke; the transaction's next statement
  // (often its COMMIT, or a query through the transaction's manager) then fails with one of
  // these, and the server has rolled the transaction back.
  if (error instanceof Error && RELEASED_RUNNER_ERRORS.has(error.name)) {
    return true;
  }
  for (let cause = error, depth = 0; cause && depth < 4; depth++) {
    const { code, message, driverError } = cause as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
    };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) {
      return true;
    }
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) {
      return true;
    }
    cause = driverError ?? (cause as { cause?: unknown }).cause;
  }
  return false;
}
