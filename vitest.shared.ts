// Shared vitest settings: every package's tests run against the workspace's TypeScript
// sources (not dist), so a change in core is seen by every backend's tests without a build.
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

function workspaceAliases(): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const group of ['packages', 'tools', 'apps']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const src = join(dir, name, 'src', 'index.ts');
      if (existsSync(src)) aliases[`@tessera/${name}`] = src;
    }
  }
  return aliases;
}

/**
 * A package's vitest config: its tests, with workspace packages resolved to source. Each run
 * also writes test-results.json, which tools/test-summary.mjs adds up for `make test`.
 */
export function tesseraProject(overrides: NonNullable<ViteUserConfig['test']> = {}): ViteUserConfig {
  return defineConfig({
    resolve: { alias: workspaceAliases() },
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 60_000,
      reporters: ['default', 'json'],
      outputFile: { json: 'test-results.json' },
      ...overrides,
    },
  });
}
