import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DiskFileStore } from './disk-file-store';
import { FileStore } from './file-store';

// The one file store every module writes documents and exports to (see FileStore).
@Global()
@Module({
  providers: [
    {
      provide: FileStore,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): FileStore => new DiskFileStore(config.files.dir),
    },
  ],
  exports: [FileStore],
})
export class FilesModule {}
