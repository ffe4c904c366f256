/**
 * The machine's physical limits, measured at bench time: float32 FMA throughput from a tiny
 * native kernel (assets/peak.c, compiled with the system gcc), and copy bandwidth both
 * native (memcpy) and from JavaScript (TypedArray.set). Without gcc, only the latter.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetPath } from './paths.js';
import type { PeakInfo } from './types.js';

/** Copy bandwidth of TypedArray.set on one thread, GB/s counting bytes read plus written. */
export function jsCopyBandwidth(bytes = 256 << 20, reps = 5): number {
  const src = new Float32Array(bytes / 4).fill(1);
  const dst = new Float32Array(bytes / 4);
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    dst.set(src);
    best = Math.min(best, performance.now() - t0);
  }
  return (2 * bytes) / (best / 1000) / 1e9;
}

interface NativePeak {
  threads: number;
  avx2_fma_gflops_1t: number;
  avx2_fma_gflops_all: number;
  avx512: boolean;
  avx512_fma_gflops_1t: number;
  avx512_fma_gflops_all: number;
  copy_gbs_1t: number;
  copy_gbs_all: number;
}

/** Compile assets/peak.c once per source version into the temp dir; the binary's path. */
function buildPeak(): string {
  const source = assetPath('peak.c');
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'tessera-bench');
  const exe = join(dir, `peak-${hash}`);
  if (!existsSync(exe)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('gcc', ['-O3', '-mavx2', '-mfma', '-pthread', source, '-o', exe], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  return exe;
}

function cpuFlags(): Set<string> {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    return new Set(line ? line.split(':')[1].trim().split(/\s+/) : []);
  } catch {
    return new Set();
  }
}

/** Measure the peaks; native figures are left out, with a notice, where they cannot be had. */
export function measurePeak(threads = cpus().length): PeakInfo {
  const info: PeakInfo = { copy_gbs_js_1t: round(jsCopyBandwidth()) };
  const flags = cpuFlags();
  if (process.arch !== 'x64' || !flags.has('avx2') || !flags.has('fma')) {
    info.notice = `no native peak: needs an x86-64 CPU with AVX2 and FMA (arch ${process.arch})`;
    return info;
  }
  if (spawnSync('gcc', ['--version']).status !== 0) {
    info.notice = 'no native peak: gcc is not installed (apt-get install gcc)';
    return info;
  }
  let out: NativePeak;
  try {
    out = JSON.parse(execFileSync(buildPeak(), [String(threads)], { encoding: 'utf8', timeout: 120_000 })) as NativePeak;
  } catch (err) {
    info.notice = `no native peak: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    return info;
  }
  // Where AVX-512 runs at half width (Zen 4), both give the same figure: the peak is the better one.
  const wide = out.avx512 && out.avx512_fma_gflops_1t > out.avx2_fma_gflops_1t;
  info.fma_gflops_1t = round(Math.max(out.avx2_fma_gflops_1t, out.avx512 ? out.avx512_fma_gflops_1t : 0));
  info.fma_gflops_all = round(Math.max(out.avx2_fma_gflops_all, out.avx512 ? out.avx512_fma_gflops_all : 0));
  info.fma_threads = out.threads;
  info.fma_isa = wide ? 'AVX-512' : 'AVX2';
  info.avx2_fma_gflops_1t = round(out.avx2_fma_gflops_1t);
  if (out.avx512) info.avx512_fma_gflops_1t = round(out.avx512_fma_gflops_1t);
  if (out.threads > 1 && info.fma_gflops_all < 0.8 * out.threads * info.fma_gflops_1t) {
    info.notice = `the ${out.threads}-core FMA figure is under ${out.threads}× the one-core figure: other work held a core while it ran; fractions of peak use ${out.threads}× the one-core figure`;
  }
  info.copy_gbs_native_1t = round(out.copy_gbs_1t);
  info.copy_gbs_native_all = round(out.copy_gbs_all);
  return info;
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}
