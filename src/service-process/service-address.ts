// host:port of a service URL, for messages: never its user name or password.
export function serviceAddress(url: string): string {
  try {
    const parsed = new URL(url);
    const defaultPort = parsed.protocol.startsWith('redis') ? '6379' : '5432';
    return `${parsed.hostname}:${parsed.port || defaultPort}`;
  } catch {
    return 'an unreadable address';
  }
}
