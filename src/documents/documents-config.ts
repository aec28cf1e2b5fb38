import { Env, integer } from '../config/env-readers';

// Supporting documents: how big and how many, and the ClamAV daemon that scans them.
export interface DocumentsConfig {
  // The most bytes one file may hold; an upload is cut off at this.
  maxBytes: number;
  // Files one bid or one return may carry (infected ones do not count).
  maxPerBid: number;
  maxPerReturn: number;
  clamd: ClamdConfig;
}

export interface ClamdConfig {
  host: string;
  port: number;
  // How long a scan may wait on clamd without an answer before it is retried.
  timeoutMs: number;
}

const MIB = 1_048_576;

export function loadDocumentsConfig(env: Env, problems: string[]): DocumentsConfig {
  const host = env.CLAMD_HOST || '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host)) {
    problems.push(`CLAMD_HOST must be a host name or an IP address (got "${host}")`);
  }
  return {
    maxBytes: integer(env, 'DOCUMENT_MAX_BYTES', 20 * MIB, 1, 1024 * MIB, problems),
    maxPerBid: integer(env, 'DOCUMENT_MAX_PER_BID', 20, 1, 1000, problems),
    maxPerReturn: integer(env, 'DOCUMENT_MAX_PER_RETURN', 20, 1, 1000, problems),
    clamd: {
      host,
      port: integer(env, 'CLAMD_PORT', 3310, 1, 65535, problems),
      timeoutMs: integer(env, 'CLAMD_TIMEOUT_MS', 60_000, 100, 3_600_000, problems),
    },
  };
}
