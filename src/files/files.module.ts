import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DiskFileStore } from './disk-file-store';
import { FileStore } from './file-store';

// The one file store every module writes documents and exports to (see FileStore): the S3
// store when S3_BUCKET is set, local disk under FILES_DIR otherwise. The S3 store's module (and
// with it the AWS SDK, about 33 MB resident) is loaded only when S3 is configured.
@Global()
@Module({
  providers: [
    {
      provide: FileStore,
      inject: [APP_CONFIG],
      useFactory: async ({ files }: AppConfig): Promise<FileStore> =>
        files.s3
          ? new (await import('./s3-file-store')).S3FileStore(files.s3)
          : new DiskFileStore(files.dir),
    },
  ],
  exports: [FileStore],
})
export class FilesModule {}
