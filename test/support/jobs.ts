import { Job, Queue } from 'bullmq';
import { eventually } from './smtp';

// A job read after BullMQ recorded it completed, so its return value is there. Reading the job
// first and asking its state second races the worker: a job read while still active (its
// returnvalue null) may complete before the state is asked, and then looks completed with an
// empty return value. A worker finishes a job in one script (state and return value together),
// so whatever is read after the state says completed holds the value.
export function completedJob(queue: Queue, id: string, timeoutMs = 60_000): Promise<Job> {
  return eventually(async () => {
    expect(await queue.getJobState(id)).toBe('completed');
    const job = await Job.fromId(queue, id);
    expect(job).toBeDefined();
    return job as Job;
  }, timeoutMs);
}
