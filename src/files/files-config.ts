import { Env } from '../config/env-readers';

// Where files are stored. Local disk under `dir` unless an S3-compatible store is configured.
export interface FilesConfig {
  dir: string;
}

export function loadFilesConfig(
  env: Env,
  context: { defaultDir: string },
  _problems: string[],
): FilesConfig {
  return { dir: env.FILES_DIR || context.defaultDir };
}
