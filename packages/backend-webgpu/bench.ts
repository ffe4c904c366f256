import { createWebGPUBackend } from './src/index.ts';
const be = await createWebGPUBackend();
const v = (b: any, shape: number[], strides?: number[]) => ({ buffer: b, shape, strides: strides ?? [shape[1], 1], offset: 0, dtype: 'float32' as const });
for (const N of [256, 512, 1024]) {
  const a = be.alloc(N * N, 'float32'), b = be.alloc(N * N, 'float32'), c = be.alloc(N * N, 'float32');
  be.write(a, new Float32Array(N * N).fill(0.5)); be.write(b, new Float32Array(N * N).fill(0.25));
  be.matmul(v(a, [N, N]), v(b, [N, N]), v(c, [N, N])); await be.sync();
  const reps = N <= 512 ? 5 : 2;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) be.matmul(v(a, [N, N]), v(b, [N, N]), v(c, [N, N]));
  await be.sync();
  const ms = (performance.now() - t0) / reps;
  const prof = await be.profile(async () => { be.matmul(v(a, [N, N]), v(b, [N, N]), v(c, [N, N])); await be.sync(); });
  console.log(`matmul N=${N}: ${ms.toFixed(1)} ms wall, ${(2 * N ** 3 / ms / 1e6).toFixed(2)} GFLOP/s; gpu timestamp ${prof.totalMs.toFixed(1)} ms`);
  be.free(a); be.free(b); be.free(c);
}
// dispatch overhead: many tiny kernels
const x = be.alloc(256, 'float32'), y = be.alloc(256, 'float32');
await be.sync();
let t0 = performance.now();
for (let i = 0; i < 2000; i++) be.unary('exp', v(x, [256], [1]), v(y, [256], [1]));
const rec = performance.now() - t0;
await be.sync();
console.log(`2000 tiny dispatches: record ${(rec / 2000 * 1000).toFixed(1)} us each, total ${((performance.now() - t0) / 2000 * 1000).toFixed(1)} us each`);
const n = 1 << 22; const big = be.alloc(n, 'float32'), big2 = be.alloc(n, 'float32');
await be.sync(); t0 = performance.now();
for (let i = 0; i < 5; i++) be.binary('add', v(big, [n], [1]), v(big, [n], [1]), v(big2, [n], [1]));
await be.sync();
const ms = (performance.now() - t0) / 5;
console.log(`add 4M floats: ${ms.toFixed(1)} ms, ${(3 * 4 * n / ms / 1e6).toFixed(2)} GB/s`);
be.destroy();
