import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// The project's own TypeScript under `dir`, specs and declarations left out: for the specs that
// hold rules about the code itself (error-catalogue.spec.ts, file-names.spec.ts).
export function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return codeFiles(path);
    }
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') && !path.endsWith('.d.ts')
      ? [path]
      : [];
  });
}
