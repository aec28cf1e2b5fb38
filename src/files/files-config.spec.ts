import { ConfigError, loadConfig } from '../config/load-config';

describe('file storage settings', () => {
  const base = { NODE_ENV: 'development', FILES_DIR: '/srv/ssg/files' };
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('keeps files on disk under FILES_DIR when no S3_* setting is given', () => {
    expect(loadConfig(base).files).toEqual({ dir: '/srv/ssg/files', s3: undefined });
  });

  it('switches to S3 with S3_BUCKET alone, the SDK finding credentials and region defaulted', () => {
    expect(loadConfig({ ...base, S3_BUCKET: 'ssg-files' }).files.s3).toEqual({
      bucket: 'ssg-files',
      endpoint: undefined,
      region: 'eu-west-2',
      credentials: undefined,
      forcePathStyle: false,
      prefix: '',
    });
  });

  it('takes every setting for a store other than AWS', () => {
    const s3 = loadConfig({
      ...base,
      S3_BUCKET: 'ssg-files',
      S3_ENDPOINT: 'https://minio.internal:9000',
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: 'key-id',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
      S3_PREFIX: 'safer-streets/production',
    }).files.s3;
    expect(s3).toEqual({
      bucket: 'ssg-files',
      endpoint: 'https://minio.internal:9000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'key-id', secretAccessKey: 'secret' },
      forcePathStyle: true,
      prefix: 'safer-streets/production/',
    });
  });

  it('stops the start when S3 settings are given without a bucket', () => {
    expect(
      problemsOf({ ...base, S3_ENDPOINT: 'https://minio.internal:9000', S3_REGION: 'eu-west-1' }),
    ).toEqual([
      'S3_ENDPOINT, S3_REGION are set but S3_BUCKET is not: set S3_BUCKET to keep files in an S3-compatible store, or unset every S3_* setting to keep them on disk under FILES_DIR',
    ]);
  });

  it('stops the start when a key id comes without its secret, or the other way round', () => {
    expect(problemsOf({ ...base, S3_BUCKET: 'ssg-files', S3_ACCESS_KEY_ID: 'key-id' })).toEqual([
      expect.stringContaining('S3_ACCESS_KEY_ID is set but S3_SECRET_ACCESS_KEY is not'),
    ]);
    expect(problemsOf({ ...base, S3_BUCKET: 'ssg-files', S3_SECRET_ACCESS_KEY: 's' })).toEqual([
      expect.stringContaining('S3_SECRET_ACCESS_KEY is set but S3_ACCESS_KEY_ID is not'),
    ]);
  });

  it('lists every malformed S3 setting at once', () => {
    const problems = problemsOf({
      ...base,
      S3_BUCKET: 'Not_A_Bucket',
      S3_ENDPOINT: 'ftp://files.example.org',
      S3_REGION: 'EU West',
      S3_FORCE_PATH_STYLE: 'yes',
      S3_PREFIX: '../elsewhere',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^S3_ENDPOINT must be a URL starting http:\/\/ or https:\/\//),
      expect.stringMatching(/^S3_PREFIX must be/),
      expect.stringMatching(/^S3_BUCKET must be a bucket name/),
      expect.stringMatching(/^S3_REGION must be a region name/),
      'S3_FORCE_PATH_STYLE must be one of true, false (got "yes")',
    ]);
  });
});
