/**
 * Our side: each registered Tessera backend as a contestant. `cpu` comes from
 * @tessera/backend-cpu (a dependency); any other backend is loaded from its workspace
 * package's build, when it exists and loads, and reported unavailable otherwise.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listBackends, setBackend, use, type Backend } from '@tessera/core';
import { adapterName, EMULATED_ADAPTER, type WebGpuEnvOptions } from './gpu.js';
import { repoRoot } from './paths.js';
import { type Absent, type CaseSpec, type Contestant, type Suite, Unavailable, type Workload } from './types.js';

/** Package directory name of a backend: `cpu-f64` lives in backend-cpu. */
function packageDir(name: string): string {
  return `backend-${name.replace(/-f64$/, '')}`;
}

async function importBackendPackage(name: string): Promise<void> {
  if (packageDir(name) === 'backend-cpu') {
    await import('@tessera/backend-cpu');
    return;
  }
  // Not a dependency of the bench (it may not build yet): load the workspace build if there is one.
  const entry = join(repoRoot(), 'packages', packageDir(name), 'dist', 'index.js');
  if (!existsSync(entry)) {
    throw new Unavailable(`@tessera/${packageDir(name)} is not built (${entry} is missing); run pnpm --filter @tessera/${packageDir(name)} build`);
  }
  await import(pathToFileURL(entry).href);
}

/** The WebGPU adapter a backend reports in `info().features.adapter`, by name; null for others. */
function adapterOf(backend: Backend): string | null {
  const a = backend.info().features.adapter;
  return a && typeof a === 'object' ? adapterName(a as Partial<GPUAdapterInfo>) : null;
}

function describe(backend: Backend): { threads: number; detail: string } {
  const features = backend.info().features;
  const threads = typeof features.threads === 'number' && features.threads > 0 ? features.threads : 1;
  const shown = Object.entries(features)
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
    .map(([k, v]) => `${k}: ${String(v)}`);
  const adapter = adapterOf(backend);
  if (adapter) shown.unshift(`adapter: ${adapter}`);
  return { threads, detail: shown.join(', ') };
}

/**
 * Load and activate backend `name`; an Absent (with the reason) when it cannot be had, or
 * when it runs on a CPU-emulated WebGPU adapter and `allowEmulatedGpu` is not set.
 */
export async function loadTesseraBackend(name: string, opts: WebGpuEnvOptions = {}): Promise<Contestant | Absent> {
  let backend: Backend;
  try {
    await importBackendPackage(name);
    if (!listBackends().includes(name)) {
      throw new Unavailable(`no backend named '${name}' registered after importing @tessera/${packageDir(name)}; registered: [${listBackends().join(', ')}]`);
    }
    backend = await setBackend(name);
    const adapter = adapterOf(backend);
    if (adapter && EMULATED_ADAPTER.test(adapter) && !opts.allowEmulatedGpu) {
      throw new Unavailable(`only a CPU-emulated WebGPU adapter (${adapter}); pass --allow-emulated-gpu to time it anyway`);
    }
  } catch (err) {
    return { id: name, kind: 'backend', reason: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
  return tesseraContestant(backend);
}

/** A contestant for a backend instance (also used by tests with a backend made directly). */
export function tesseraContestant(backend: Backend, id = backend.name): Contestant {
  const { threads, detail } = describe(backend);
  return {
    id,
    kind: 'backend',
    threads,
    device: /gpu/i.test(backend.name) ? 'gpu' : 'cpu',
    detail,
    async prepare(suite: Suite, c: CaseSpec): Promise<Workload> {
      if (!suite.tessera) throw new Unavailable(`suite ${suite.name} has no Tessera implementation`);
      use(backend);
      const w = await suite.tessera(c, { backend });
      return {
        // Other contestants of ours may have been made active in between (cpu, webgpu interleaved).
        before: async () => {
          use(backend);
          await w.before?.();
        },
        run: () => w.run(),
        dispose: () => w.dispose(),
      };
    },
    close() {},
  };
}
