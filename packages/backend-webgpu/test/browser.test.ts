import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'browser-check.mjs');

describe('WebGPU in headless Chromium', () => {
  it('passes the conformance forward and gradient checks on navigator.gpu', async () => {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('close', (c) => resolve({ code: c, output }));
    });
    const summary = /(\d+) of (\d+) checks pass in headless Chromium/.exec(output);
    expect(summary, output.slice(-2000)).not.toBeNull();
    expect(Number(summary![1]), output.slice(-2000)).toBe(Number(summary![2]));
    expect(Number(summary![2])).toBeGreaterThan(1000);
    expect(code).toBe(0);
  }, 600_000);
});
