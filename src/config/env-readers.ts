import { isEmail } from 'class-validator';

// Readers of one environment variable each: the value, or the fallback when unset or empty; a
// value that breaks the rule adds a sentence naming the variable to `problems`.
export type Env = Record<string, string | undefined>;

export function oneOf<T extends string>(
  env: Env,
  name: string,
  allowed: readonly T[],
  fallback: T,
  problems: string[],
): T {
  const value = env[name];
  if (value === undefined || value === '') {
    return fallback;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }
  return value as T;
}

export function integer(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const value = env[name];
  if (value === undefined || value === '') {
    return fallback;
  }
  const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
    return fallback;
  }
  return parsed;
}

export function url(
  env: Env,
  name: string,
  fallback: string,
  protocols: string[],
  problems: string[],
): string {
  const value = env[name];
  if (value === undefined || value === '') {
    return fallback;
  }
  try {
    const parsed = new URL(value);
    if (!protocols.includes(parsed.protocol)) {
      problems.push(
        `${name} must be a URL starting ${protocols.map((p) => `${p}//`).join(' or ')}`,
      );
    }
  } catch {
    problems.push(`${name} is not a valid URL`);
  }
  return value;
}

// A sender such as `Name <address@example.org>` or a bare address.
export function mailbox(env: Env, name: string, fallback: string, problems: string[]): string {
  const value = env[name] || fallback;
  const address = /<([^<>]+)>\s*$/.exec(value)?.[1] ?? value;
  if (!isEmail(address.trim())) {
    problems.push(
      `${name} must be an email address, optionally as "Name <address>" (got "${value}")`,
    );
  }
  return value;
}

export function pattern(
  env: Env,
  name: string,
  fallback: string,
  re: RegExp,
  rule: string,
  problems: string[],
): string {
  const value = env[name];
  if (value === undefined || value === '') {
    return fallback;
  }
  if (!re.test(value)) {
    problems.push(`${name} must be ${rule}`);
  }
  return value;
}
