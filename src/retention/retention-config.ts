import { Env, integer } from '../config/env-readers';
import { periodProblems, RETENTION_PERIOD_RULES, RetentionPeriods } from './retention.rules';

export interface RetentionConfig {
  periods: RetentionPeriods;
  // HH:MM, UK time, of the daily run.
  runTime: string;
}

// Each period from its RETENTION_*_DAYS variable, in whole days within the rule's range; a value
// out of range stops the start with a sentence naming the variable and the range.
export function loadRetentionConfig(env: Env, problems: string[]): RetentionConfig {
  const periods = Object.fromEntries(
    Object.entries(RETENTION_PERIOD_RULES).map(([key, rule]) => [
      key,
      integer(env, rule.setting, rule.defaultDays, rule.minDays, rule.maxDays, problems),
    ]),
  ) as RetentionPeriods;
  problems.push(...periodProblems(periods));
  const runTime = env.RETENTION_RUN_TIME || '02:30';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(runTime)) {
    problems.push(
      `RETENTION_RUN_TIME must be a 24-hour time HH:MM (Europe/London), e.g. 02:30 (got "${runTime}")`,
    );
  }
  return { periods, runTime };
}
