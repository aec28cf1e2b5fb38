// Every queue and job the workers know, with its payload and result, in one place.
export const QUEUES = { system: 'system' } as const;

export interface SystemJobs {
  // Round trip through Redis and a worker: proves the worker role is consuming.
  ping: { data: { requestedAt: string }; result: { answeredAt: string; pid: number } };
}

export type SystemJobName = keyof SystemJobs;
export const SYSTEM_JOB_NAMES: readonly SystemJobName[] = ['ping'];
