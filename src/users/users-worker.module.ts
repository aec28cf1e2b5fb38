import { Module } from '@nestjs/common';
import { AccountsProcessor } from './accounts.processor';
import { AccountsModule } from './accounts.module';

// The account jobs' consumer (password reset requests), loaded only in the worker role.
@Module({ imports: [AccountsModule], providers: [AccountsProcessor] })
export class UsersWorkerModule {}
