import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import {
  listenForAccountChanges,
  poolListensForAccountChanges,
} from '../auth/sessions/account-change-notices';
import { dataSourceOptions } from './data-source-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(
          config.databaseUrl,
          Math.max(10, config.mail.concurrency + 6),
          // An API process's own changes to accounts are heard on the connection that made them
          // (SignedInCache).
          poolListensForAccountChanges(config) ? listenForAccountChanges : undefined,
        ),
        retryAttempts: 3,
      }),
    }),
  ],
})
export class DatabaseModule {}
