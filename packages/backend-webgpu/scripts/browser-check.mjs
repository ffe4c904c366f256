#!/usr/bin/env node
// Runs the conformance table on WebGPU in headless Chromium (Debian's /usr/bin/chromium, which
// gives a SwiftShader adapter with --enable-unsafe-webgpu): bundles scripts/browser-entry.ts
// with esbuild (workspace packages resolved to their sources), serves it on localhost (WebGPU
// needs a secure context) and drives the page with playwright-core. Exits 1 on any failure.
//   pnpm --filter @tessera/backend-webgpu run browser-check   [CHROMIUM=/path/to/chrome]
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const packages = join(here, '..', '..');
const alias = {};
for (const name of readdirSync(packages)) {
  const src = join(packages, name, 'src', 'index.ts');
  if (existsSync(src)) alias[`@tessera/${name}`] = src;
}
const bundle = await build({
  entryPoints: [join(here, 'browser-entry.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  write: false,
  alias,
  external: ['node:*'],
  logLevel: 'warning',
});
const js = bundle.outputFiles[0].text;
const html = '<!doctype html><meta charset="utf-8"><script type="module" src="/bundle.js"></script>';
const server = createServer((req, res) => {
  if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
  else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  else res.writeHead(404).end();
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;

const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'tessera-chromium-')), {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic',
  ],
});
let failed = 1;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => typeof globalThis.runChecks === 'function');
  const started = Date.now();
  const out = await page.evaluate(() => globalThis.runChecks());
  console.log(`adapter: ${JSON.stringify(out.adapter)}`);
  console.log(`${out.total - out.failed.length} of ${out.total} checks pass in headless Chromium (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  for (const f of out.failed) console.log(`  FAIL ${f}`);
  failed = out.failed.length > 0 ? 1 : 0;
} finally {
  await browser.close();
  server.close();
}
process.exit(failed);
