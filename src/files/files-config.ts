import { Env, oneOf, pattern, url } from '../config/env-readers';

// An S3-compatible store (AWS S3, MinIO, Ceph, ...). The bucket is the operators' to create.
export interface S3Config {
  bucket: string;
  // A store other than AWS (`https://minio.internal:9000`); unset for AWS itself.
  endpoint?: string;
  region: string;
  // Unset: the SDK's default chain (environment, shared files, instance or task role).
  credentials?: { accessKeyId: string; secretAccessKey: string };
  // `https://host/bucket/key` rather than `https://bucket.host/key`: most non-AWS stores need it.
  forcePathStyle: boolean;
  // Put before every key, ending `/` (`safer-streets/`), or empty: several deployments can share
  // one bucket.
  prefix: string;
}

// Where files are stored. Local disk under `dir` unless an S3-compatible store is configured.
export interface FilesConfig {
  dir: string;
  s3?: S3Config;
}

const S3_SETTINGS = [
  'S3_BUCKET',
  'S3_ENDPOINT',
  'S3_REGION',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
  'S3_PREFIX',
] as const;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]{2,40}$/;
const PREFIX = /^[a-z0-9][a-z0-9_.-]*(\/[a-z0-9][a-z0-9_.-]*)*\/?$/;

export function loadFilesConfig(
  env: Env,
  context: { defaultDir: string },
  problems: string[],
): FilesConfig {
  return { dir: env.FILES_DIR || context.defaultDir, s3: loadS3Config(env, problems) };
}

function loadS3Config(env: Env, problems: string[]): S3Config | undefined {
  const set = S3_SETTINGS.filter((name) => (env[name] ?? '') !== '');
  if (set.length === 0) {
    return undefined;
  }
  if (!set.includes('S3_BUCKET')) {
    problems.push(
      `${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set but S3_BUCKET is not: set S3_BUCKET to keep files in an S3-compatible store, or unset every S3_* setting to keep them on disk under FILES_DIR`,
    );
    return undefined;
  }
  const keyId = env.S3_ACCESS_KEY_ID ?? '';
  const secret = env.S3_SECRET_ACCESS_KEY ?? '';
  if ((keyId === '') !== (secret === '')) {
    const [given, missing] =
      keyId === ''
        ? ['S3_SECRET_ACCESS_KEY', 'S3_ACCESS_KEY_ID']
        : ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'];
    problems.push(
      `${given} is set but ${missing} is not: set both, or neither to use the AWS SDK's default credentials (environment, shared files, instance role)`,
    );
  }
  const endpoint = env.S3_ENDPOINT
    ? url(env, 'S3_ENDPOINT', '', ['http:', 'https:'], problems)
    : undefined;
  const prefix = pattern(
    env,
    'S3_PREFIX',
    '',
    PREFIX,
    'lower-case letters, digits, _ . - with / between parts, e.g. safer-streets/',
    problems,
  );
  return {
    bucket: pattern(
      env,
      'S3_BUCKET',
      '',
      BUCKET,
      'a bucket name: 3 to 63 lower-case letters, digits, . and -, starting and ending with a letter or digit',
      problems,
    ),
    endpoint,
    region: pattern(
      env,
      'S3_REGION',
      'eu-west-2',
      REGION,
      'a region name such as eu-west-2',
      problems,
    ),
    credentials: keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret } : undefined,
    forcePathStyle:
      oneOf(env, 'S3_FORCE_PATH_STYLE', ['true', 'false'] as const, 'false', problems) === 'true',
    prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
  };
}
