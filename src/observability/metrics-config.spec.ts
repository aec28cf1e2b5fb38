import { ConfigError, loadConfig } from '../config/load-config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }
};

describe('metrics settings', () => {
  it('has no metrics endpoint unless one is set, and listens on loopback by default', () => {
    expect(loadConfig({}).metrics).toEqual({
      host: '127.0.0.1',
      port: undefined,
      token: undefined,
    });
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({
      host: '127.0.0.1',
      port: 9464,
      token: undefined,
    });
  });

  it('takes a token of 32 characters or more', () => {
    const token = 'x'.repeat(32);
    expect(loadConfig({ METRICS_TOKEN: token }).metrics.token).toBe(token);
  });

  it('refuses a short token, one with spaces, a bad port or host, all listed together', () => {
    const problems = problemsOf({
      METRICS_TOKEN: 'too-short',
      METRICS_PORT: '70000',
      METRICS_HOST: 'not a host',
    });
    expect(problems).toEqual([
      expect.stringContaining('METRICS_PORT must be a whole number from 1 to 65535'),
      expect.stringContaining('METRICS_HOST must be an IP address or a host name'),
      expect.stringContaining('METRICS_TOKEN must be 32 to 512 printable characters'),
    ]);
    expect(problemsOf({ METRICS_TOKEN: `${'x'.repeat(20)} ${'y'.repeat(20)}` })).toEqual([
      expect.stringContaining('METRICS_TOKEN'),
    ]);
  });

  it("refuses the API's own port, except in the worker role, which has no API", () => {
    expect(problemsOf({ PORT: '3000', METRICS_PORT: '3000' })).toEqual([
      expect.stringContaining('METRICS_PORT (3000) must differ from PORT'),
    ]);
    expect(problemsOf({ PORT: '3000', METRICS_PORT: '3000', PROCESS_ROLE: 'worker' })).toEqual([]);
  });
});
