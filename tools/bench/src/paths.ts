/** Where the harness finds its assets (C and Python sources) and the repository, from src/ or dist/ alike. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tools/bench: the directory above src/ or dist/. */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

export function assetPath(...parts: string[]): string {
  return join(packageRoot(), 'assets', ...parts);
}

/** The monorepo root: the nearest directory above the package holding pnpm-workspace.yaml. */
export function repoRoot(): string {
  let dir = packageRoot();
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) return resolve(packageRoot(), '..', '..');
    dir = up;
  }
  return dir;
}
