import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// The folder holding package.json, found from this file, so paths work from src/ and dist/src/ alike
// and whatever the working directory is.
function findProjectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) {
      return process.cwd();
    }
    dir = parent;
  }
  return dir;
}

const PROJECT_ROOT = findProjectRoot();

export function projectPath(...parts: string[]): string {
  return resolve(PROJECT_ROOT, ...parts);
}
