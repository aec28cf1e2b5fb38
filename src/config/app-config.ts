export const PROCESS_ROLES = ['api', 'worker', 'all'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

export interface AppConfig {
  nodeEnv: 'development' | 'test' | 'production';
  production: boolean;
  port: number;
  host: string;
  processRole: ProcessRole;
  databaseUrl: string;
  redisUrl: string;
  // Every Redis key this deployment writes starts with this, so test runs never collide.
  redisPrefix: string;
  smtpUrl: string | undefined;
  jwtSecret: string;
  jwtTtlSeconds: number;
  demoPassword: string;
  trustProxy: boolean;
  login: { perEmailLimit: number; perAddressLimit: number; windowSeconds: number };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
