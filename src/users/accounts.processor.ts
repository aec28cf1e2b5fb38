import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { AccountJobName, AccountJobs, QUEUES } from '../queues/queues';
import { PasswordResets } from './password-reset';
import { JobRunner } from '../observability/job-runner';

type AccountJob = Job<AccountJobs[AccountJobName]['data'], unknown, AccountJobName>;

@Processor(QUEUES.accounts)
export class AccountsProcessor extends WorkerHost {
  constructor(
    private readonly resets: PasswordResets,
    private readonly jobs: JobRunner,
  ) {
    super();
  }

  process(job: AccountJob): Promise<AccountJobs[AccountJobName]['result']> {
    return this.jobs.run(QUEUES.accounts, job, () => this.handle(job));
  }

  private handle(job: AccountJob): Promise<AccountJobs[AccountJobName]['result']> {
    switch (job.name) {
      case 'password-reset':
        return this.resets.send(job.data.email);
    }
  }
}
