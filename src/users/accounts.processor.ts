import { Injectable } from '@nestjs/common';
import { AccountJobs, QUEUES } from '../queues/queues';
import { JobOf, QueueConsumer, ResultOf } from '../queues/queue-consumer';
import { PasswordResets } from './password-resets';

// The accounts queue's consumer: password reset requests.
@Injectable()
export class AccountsProcessor extends QueueConsumer<AccountJobs> {
  constructor(private readonly resets: PasswordResets) {
    super(QUEUES.accounts);
  }

  protected handle(job: JobOf<AccountJobs>): Promise<ResultOf<AccountJobs>> {
    switch (job.name) {
      case 'password-reset':
        return this.resets.send(job.data.email);
    }
  }
}
