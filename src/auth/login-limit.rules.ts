import type { LoginLimits } from '../config/app-config';

// Seconds a caller waits after `failures` failed logins against a counter that allows `limit`:
// none before the limit, then the first wait, doubling with each further failure, capped.
export function waitAfterFailures(failures: number, limit: number, limits: LoginLimits): number {
  if (failures < limit) {
    return 0;
  }
  const doublings = Math.min(failures - limit, 30);
  return Math.min(limits.maxWaitSeconds, limits.windowSeconds * 2 ** doublings);
}

// How long failures are remembered after the last one: longer than the longest wait, so that a
// counter never lapses while its caller is made to wait.
export function failureMemorySeconds(limits: LoginLimits): number {
  return 2 * Math.max(limits.maxWaitSeconds, limits.windowSeconds);
}
