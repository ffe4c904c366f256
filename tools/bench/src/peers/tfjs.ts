/**
 * TensorFlow.js peers: its cpu (plain JS), wasm (XNNPACK, SIMD) and webgpu (Dawn in Node)
 * backends in this process, and tfjs-node when it can be installed (it cannot here: its
 * install script downloads libtensorflow). One `tf` module hosts them all; each workload
 * makes its backend active before each run, outside the timed region. tfjs-webgpu runs on
 * the run's shared `navigator.gpu` (gpu.ts): the adapter Tessera's webgpu backend uses.
 */
import { defaultAdapter, prepareWebGpuEnv, type WebGpuEnvOptions } from '../gpu.js';
import { type Absent, type CaseSpec, type Contestant, type Suite, Unavailable, type Workload } from '../types.js';

export type TfModule = typeof import('@tensorflow/tfjs');

export type TfjsPeerId = 'tfjs' | 'tfjs-wasm' | 'tfjs-webgpu' | 'tfjs-node';

export type TfjsLoadOptions = WebGpuEnvOptions;

let tfModule: Promise<TfModule> | null = null;

/** Import @tensorflow/tfjs once, without its "install tfjs-node" banner on stdout. */
function loadTf(): Promise<TfModule> {
  tfModule ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    tf.env().set('IS_NODE', true);
    return tf;
  })();
  return tfModule;
}

/** Run `fn` with console.log/warn silenced: tfjs prints banners and backend-fallback notes. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const { log, warn, info } = console;
  console.log = console.warn = console.info = () => {};
  try {
    return await fn();
  } finally {
    Object.assign(console, { log, warn, info });
  }
}

/** A TensorFlow.js contestant, or an Absent saying why it cannot run here. */
export async function loadTfjsPeer(id: TfjsPeerId, opts: TfjsLoadOptions = {}): Promise<Contestant | Absent> {
  try {
    return await quietly(() => makeTfjsPeer(id, opts));
  } catch (err) {
    return { id, kind: 'peer', reason: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

async function makeTfjsPeer(id: TfjsPeerId, opts: TfjsLoadOptions): Promise<Contestant> {
  let tf: TfModule;
  let tfBackend: string;
  let threads = 1;
  let detail: string;
  if (id === 'tfjs-node') {
    try {
      // Not a dependency: its install script downloads libtensorflow, which no registry serves here.
      const name = '@tensorflow/tfjs-node';
      tf = (await import(name)) as TfModule;
    } catch (err) {
      const missing = (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
      throw new Unavailable(
        missing
          ? '@tensorflow/tfjs-node is not installed: its install script downloads libtensorflow, which this machine cannot fetch'
          : `@tensorflow/tfjs-node failed to load: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      );
    }
    tfBackend = 'tensorflow';
    detail = 'tfjs-node (libtensorflow)';
  } else {
    tf = await loadTf();
    if (id === 'tfjs') {
      tfBackend = 'cpu';
      detail = `tfjs ${tf.version.tfjs} cpu (plain JS)`;
    } else if (id === 'tfjs-wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      tfBackend = 'wasm';
      if (!(await tf.setBackend('wasm'))) throw new Unavailable('tfjs wasm backend failed to initialise');
      await tf.ready();
      threads = wasm.getThreadsCount?.() ?? 1;
      detail = `tfjs ${tf.version.tfjs} wasm (XNNPACK, ${threads} thread${threads === 1 ? '' : 's'})`;
    } else {
      prepareWebGpuEnv(opts);
      const adapter = (await defaultAdapter(opts)).name;
      await import('@tensorflow/tfjs-backend-webgpu');
      tfBackend = 'webgpu';
      if (!(await tf.setBackend('webgpu'))) throw new Unavailable(`tfjs webgpu backend failed to initialise on ${adapter}`);
      await tf.ready();
      detail = `tfjs ${tf.version.tfjs} webgpu on ${adapter}`;
    }
  }
  if (!(await tf.setBackend(tfBackend))) throw new Unavailable(`tfjs backend '${tfBackend}' failed to initialise`);

  return {
    id,
    kind: 'peer',
    threads,
    device: tfBackend === 'webgpu' ? 'gpu' : 'cpu',
    detail,
    async prepare(suite: Suite, c: CaseSpec): Promise<Workload> {
      if (!suite.tfjs) throw new Unavailable(`suite ${suite.name} has no TensorFlow.js implementation`);
      await tf.setBackend(tfBackend);
      const w = await quietly(async () => suite.tfjs!(c, { tf, tfBackend }));
      return {
        before: async () => {
          if (tf.getBackend() !== tfBackend) await tf.setBackend(tfBackend);
          await w.before?.();
        },
        run: () => w.run(),
        dispose: async () => {
          await tf.setBackend(tfBackend);
          await w.dispose();
        },
      };
    },
    close() {},
  };
}

