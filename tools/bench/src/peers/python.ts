/**
 * PyTorch (CPU) and numpy peers: a long-lived `/usr/bin/python3` subprocess per library
 * running assets/python/server.py, one JSON line per request and per reply over
 * stdin/stdout, so each interleaved timing is one request. The server times each run
 * in-process with perf_counter, so the pipe's latency is not counted against the peer.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { assetPath } from '../paths.js';
import { type Absent, type CaseSpec, type Contestant, type Suite, Unavailable, type Workload } from '../types.js';

export type PythonLib = 'torch' | 'numpy';

/** Debian's python3 carries python3-torch and python3-numpy; a pyenv python3 on PATH does not. */
export const DEFAULT_PYTHON = '/usr/bin/python3';

interface Reply {
  ok: boolean;
  error?: string;
  unavailable?: boolean;
  [key: string]: unknown;
}

/** One server process; requests are answered in order, one at a time. */
export class PythonServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: { resolve(r: Reply): void; reject(e: Error): void }[] = [];
  private stderr = '';
  private exited: string | null = null;

  constructor(python: string, lib: PythonLib, env: NodeJS.ProcessEnv) {
    this.child = spawn(python, ['-u', assetPath('python', 'server.py'), lib], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const waiter = this.pending.shift();
      if (!waiter) return;
      try {
        waiter.resolve(JSON.parse(line) as Reply);
      } catch {
        waiter.reject(new Error(`python server sent a line that is not JSON: ${line.slice(0, 200)}`));
      }
    });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    const onGone = (why: string) => {
      this.exited = why;
      const tail = this.stderr.trim().split('\n').slice(-3).join(' | ');
      for (const w of this.pending.splice(0)) w.reject(new Error(`python server ${why}${tail ? `: ${tail}` : ''}`));
    };
    this.child.on('exit', (code, signal) => onGone(`exited (code ${code}, signal ${signal})`));
    this.child.on('error', (err) => onGone(`failed to start (${err.message})`));
  }

  request(body: Record<string, unknown>): Promise<Reply> {
    if (this.exited) return Promise.reject(new Error(`python server ${this.exited}`));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin.write(`${JSON.stringify(body)}\n`);
    });
  }

  /** A request whose failure is thrown: Unavailable when the server says the case cannot run. */
  async call(body: Record<string, unknown>): Promise<Reply> {
    const r = await this.request(body);
    if (!r.ok) throw r.unavailable ? new Unavailable(r.error ?? 'unavailable') : new Error(r.error ?? 'python error');
    return r;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end(`${JSON.stringify({ op: 'quit' })}\n`);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  }
}

export interface PythonPeerOptions {
  python?: string;
  /** Threads for torch (torch.set_num_threads) and numpy's OpenBLAS; defaults to the core count. */
  threads?: number;
}

/** The environment each library's server runs in. */
function serverEnv(lib: PythonLib, threads: number): { env: NodeJS.ProcessEnv; notes: string[] } {
  const env: NodeJS.ProcessEnv = { ...process.env, TESSERA_BENCH_THREADS: String(threads) };
  const notes: string[] = [];
  if (lib === 'torch') {
    // torch's own thread pool does the work; OpenBLAS threads on top of it fight over the cores.
    env.OPENBLAS_NUM_THREADS = '1';
    // OpenMP's default spin-waiting collapses (10x and worse) when another process holds a
    // core of a small shared machine: a spinning thread waits on a descheduled one.
    env.OMP_WAIT_POLICY ??= 'PASSIVE';
    notes.push('OPENBLAS_NUM_THREADS=1', `OMP_WAIT_POLICY=${env.OMP_WAIT_POLICY}`);
  } else {
    env.OPENBLAS_NUM_THREADS = String(threads);
    // Set on some machines to dodge old OpenBLAS bugs; they slow a current numpy. Unset both
    // together, for this peer only; the server reports the kernel OpenBLAS then picks.
    if (env.OPENBLAS_CORETYPE !== undefined || env.OPENBLAS_L2_SIZE !== undefined) {
      notes.push(`OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset (were ${env.OPENBLAS_CORETYPE ?? '-'}/${env.OPENBLAS_L2_SIZE ?? '-'})`);
      delete env.OPENBLAS_CORETYPE;
      delete env.OPENBLAS_L2_SIZE;
    }
  }
  return { env, notes };
}

/** Start the server for `lib`; an Absent (with the reason) when Python or the library is missing. */
export async function loadPythonPeer(lib: PythonLib, opts: PythonPeerOptions = {}): Promise<Contestant | Absent> {
  const python = opts.python ?? process.env.TESSERA_BENCH_PYTHON ?? DEFAULT_PYTHON;
  if (!existsSync(python)) return { id: lib, kind: 'peer', reason: `${python} not found (install Debian's python3-${lib})` };
  const threads = opts.threads ?? cpus().length;
  const { env, notes } = serverEnv(lib, threads);
  const server = new PythonServer(python, lib, env);
  let hello: Reply;
  try {
    hello = await server.call({ op: 'hello' });
  } catch (err) {
    await server.close().catch(() => {});
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { id: lib, kind: 'peer', reason: `${why} (apt-get install python3-${lib})` };
  }
  let next = 0;
  return {
    id: lib,
    kind: 'peer',
    threads: Number(hello.threads) || threads,
    detail: [String(hello.detail ?? lib), ...notes].join(', '),
    async prepare(suite: Suite, c: CaseSpec): Promise<Workload> {
      if (suite.python === null) throw new Unavailable(`suite ${suite.name} has no ${lib} implementation`);
      const id = `w${next++}`;
      await server.call({ op: 'setup', id, suite: suite.python ?? suite.name.replaceAll('-', '_'), params: c.params });
      return {
        run: async () => Number((await server.call({ op: 'run', id })).ms),
        dispose: async () => {
          await server.call({ op: 'dispose', id });
        },
      };
    },
    close: () => server.close(),
  };
}
