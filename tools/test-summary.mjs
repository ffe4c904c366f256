#!/usr/bin/env node
// Adds up the vitest JSON reports every package wrote (test-results.json) and prints one
// closing line, "N passed, N failed, N skipped", so CI reads the whole run's count.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0, failed = 0, skipped = 0, reports = 0;
for (const group of ['packages', 'tools', 'apps', '.']) {
  if (!existsSync(group)) continue;
  const dirs = group === '.' ? ['examples'] : readdirSync(group).map((d) => join(group, d));
  for (const dir of dirs) {
    const file = join(dir, 'test-results.json');
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    reports++;
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    console.log(`${dir}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  }
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || reports === 0 || passed === 0 ? 1 : 0);
