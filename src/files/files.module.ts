import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DiskFileStore } from './disk-file-store';
import { FileStore } from './file-store';
import { S3FileStore } from './s3-file-store';

// The one file store every module writes documents and exports to (see FileStore): the S3
// store when S3_BUCKET is set, local disk under FILES_DIR otherwise.
@Global()
@Module({
  providers: [
    {
      provide: FileStore,
      inject: [APP_CONFIG],
      useFactory: ({ files }: AppConfig): FileStore =>
        files.s3 ? new S3FileStore(files.s3) : new DiskFileStore(files.dir),
    },
  ],
  exports: [FileStore],
})
export class FilesModule {}
