// Preloaded into a benchmark's server (NODE_OPTIONS=--require): counts every statement the
// process sends PostgreSQL through pg, by its first word, and answers the counts so far to the
// IPC message 'statements?', so the bench can say how many statements a request takes. Nothing
// of the server is changed but a counter.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Client } = require('pg') as {
  Client: { prototype: { query: (config: unknown, ...rest: unknown[]) => unknown } };
};

const counts: Record<string, number> = {};
const query = Client.prototype.query;
Client.prototype.query = function (this: unknown, config: unknown, ...rest: unknown[]) {
  const text =
    typeof config === 'string' ? config : ((config as { text?: string } | null)?.text ?? '');
  const word = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'OTHER';
  counts[word] = (counts[word] ?? 0) + 1;
  return query.call(this, config, ...rest);
};

process.on('message', (message) => {
  if (message === 'statements?') {
    process.send?.({ statements: { ...counts } });
  }
});
// The listener must not keep a stopping server alive.
process.channel?.unref();
