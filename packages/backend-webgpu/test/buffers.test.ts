import { BackendError, type View } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebGPUBackend, createWebGPUBackend } from '../src/index.js';
import { uniform } from './helpers.js';

let be: WebGPUBackend;
beforeAll(async () => {
  be = await createWebGPUBackend();
});
afterAll(() => be.destroy());

const dense = (buffer: View['buffer'], n: number): View => ({ buffer, shape: [n], strides: [1], offset: 0, dtype: buffer.dtype });

describe('buffers and reads', () => {
  it('round-trips every dtype through write and read, with offsets', async () => {
    const f = be.alloc(5, 'float32');
    be.write(f, new Float32Array([1.5, -2, 3, 4, 5]));
    be.write(f, new Float64Array([9.25]), 4); // a Float64Array is rounded to float32
    expect(await be.read(dense(f, 5))).toEqual(new Float32Array([1.5, -2, 3, 4, 9.25]));
    const i = be.alloc(3, 'int32');
    be.write(i, new Int32Array([-7, 2147483647, 0]));
    const ri = await be.read(dense(i, 3));
    expect(ri).toBeInstanceOf(Int32Array);
    expect([...ri]).toEqual([-7, 2147483647, 0]);
    const b = be.alloc(4, 'bool');
    be.write(b, new Uint8Array([1, 0, 7, 0]));
    const rb = await be.read(dense(b, 4));
    expect(rb).toBeInstanceOf(Uint8Array);
    expect([...rb]).toEqual([1, 0, 1, 0]);
    // A strided read (every other element, from offset 1) goes through a copy kernel.
    expect([...(await be.read({ buffer: f, shape: [2], strides: [2], offset: 1, dtype: 'float32' }))]).toEqual([-2, 4]);
    for (const x of [f, i, b]) be.free(x);
  });

  it('reads an empty view and a 0-d view', async () => {
    const x = be.alloc(1, 'float32');
    be.write(x, new Float32Array([3]));
    expect((await be.read({ buffer: x, shape: [0, 3], strides: [3, 1], offset: 0, dtype: 'float32' })).length).toBe(0);
    expect([...(await be.read({ buffer: x, shape: [], strides: [], offset: 0, dtype: 'float32' }))]).toEqual([3]);
    be.free(x);
  });

  it('rejects bad writes, foreign and freed buffers', () => {
    const x = be.alloc(2, 'float32');
    expect(() => be.write(x, new Float32Array(3))).toThrow(BackendError);
    expect(() => be.write(x, new Float32Array(1), 2)).toThrow(/do not fit/);
    be.free(x);
    expect(() => be.write(x, new Float32Array(1))).toThrow(/already freed/);
    expect(() => be.free(x)).toThrow(/already freed/);
    expect(() => be.unary('exp', dense(x, 2), dense(x, 2))).toThrow(/already freed/);
    expect(() => be.free({ size: 1, dtype: 'float32' })).toThrow(/does not belong/);
    expect(() => be.alloc(-1, 'float32')).toThrow(BackendError);
  });

  it('a write after a queued kernel does not overtake it', async () => {
    const a = be.alloc(4, 'float32');
    const out = be.alloc(4, 'float32');
    be.write(a, new Float32Array([1, 2, 3, 4]));
    be.unary('neg', dense(a, 4), dense(out, 4));
    be.write(a, new Float32Array([10, 20, 30, 40]));
    expect([...(await be.read(dense(out, 4)))]).toEqual([-1, -2, -3, -4]);
    expect([...(await be.read(dense(a, 4)))]).toEqual([10, 20, 30, 40]);
    be.free(a);
    be.free(out);
  });

  it('many reads in flight at once each get their own staging buffer', async () => {
    const xs = Array.from({ length: 12 }, (_, k) => {
      const x = be.alloc(100 + k, 'float32');
      be.write(x, uniform(100 + k, k));
      return x;
    });
    const results = await Promise.all(xs.map((x) => be.read(dense(x, x.size))));
    results.forEach((r, k) => expect(r).toEqual(uniform(100 + k, k)));
    for (const x of xs) be.free(x);
  });
});

describe('memory', () => {
  it('counts live buffers and returns freed ones to the pool', async () => {
    const before = be.memory();
    const x = be.alloc(1000, 'float32');
    expect(be.memory().buffers).toBe(before.buffers + 1);
    expect(be.memory().bytes).toBeGreaterThanOrEqual(before.bytes + 4000);
    be.free(x);
    expect(be.memory().buffers).toBe(before.buffers);
    // Never used by a kernel: back in the pool at once, and handed out again.
    expect(be.memory().pooledBuffers).toBe(before.pooledBuffers + 1);
    const y = be.alloc(1000, 'float32');
    expect(be.memory().gpuBuffers).toBe(before.gpuBuffers + 1);
    be.free(y);
  });

  it('defers freeing a buffer that queued work still uses', async () => {
    const a = be.alloc(256, 'float32');
    const out = be.alloc(256, 'float32');
    const data = uniform(256, 3);
    be.write(a, data);
    be.unary('abs', dense(a, 256), dense(out, 256));
    const pooled = be.memory().pooledBuffers;
    be.free(a); // the kernel above has not been submitted yet
    expect(be.memory().pooledBuffers).toBe(pooled);
    // A new buffer of the same size class must not be a's GPUBuffer while the kernel is in flight.
    const c = be.alloc(256, 'float32');
    be.write(c, new Float32Array(256).fill(-5));
    expect(await be.read(dense(out, 256))).toEqual(data.map(Math.abs));
    await be.sync();
    expect(be.memory().pooledBuffers).toBeGreaterThan(pooled);
    be.free(c);
    be.free(out);
  });

  it('stays flat over repeated alloc, compute, read and free', async () => {
    const live = be.memory().buffers;
    const snapshots: number[] = [];
    for (let step = 0; step < 30; step++) {
      const n = 1000 + (step % 3) * 100;
      const x = be.alloc(n, 'float32');
      const y = be.alloc(n, 'float32');
      const s = be.alloc(1, 'float32');
      be.write(x, uniform(n, step));
      be.unary('exp', dense(x, n), dense(y, n));
      be.binary('mul', dense(y, n), dense(x, n), dense(y, n));
      be.reduce('sum', dense(y, n), [0], { buffer: s, shape: [1], strides: [1], offset: 0, dtype: 'float32' });
      await be.read(dense(s, 1));
      be.free(x);
      be.free(y);
      be.free(s);
      snapshots.push(be.memory().gpuBytes);
    }
    expect(snapshots.slice(5).every((b) => b === snapshots[5])).toBe(true);
    expect(be.memory().buffers).toBe(live);
  });
});

describe('bind group cache', () => {
  it('never binds a destroyed buffer: a pool that keeps nothing destroys on every free', async () => {
    const tight = await createWebGPUBackend({ maxPooledBytes: 0, maxBatch: 3 });
    for (let step = 0; step < 6; step++) {
      const n = 64 + step * 64;
      const x = tight.alloc(n, 'float32');
      const y = tight.alloc(n, 'float32');
      tight.write(x, uniform(n, step));
      tight.unary('neg', dense(x, n), dense(y, n));
      tight.binary('add', dense(y, n), dense(x, n), dense(y, n));
      const got = await tight.read(dense(y, n));
      expect(got.every((v) => v === 0)).toBe(true);
      tight.free(x);
      tight.free(y);
    }
    await tight.sync();
    expect(tight.memory().pooledBuffers).toBe(0);
    tight.destroy();
  });
});

describe('device and errors', () => {
  it('reports adapter info, limits and features', () => {
    const info = be.info();
    expect(info.sync).toBe(false);
    expect(info.contract).toBe(1);
    const f = info.features as Record<string, unknown>;
    expect(typeof f.f16).toBe('boolean');
    expect((f.limits as Record<string, number>).maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(Array.isArray(f.features)).toBe(true);
  });

  it('surfaces a GPU validation error at the next read', async () => {
    const x = be.alloc(4, 'float32');
    const kernel = be.ctx.kernel('broken-test-kernel', () => ({
      body: '@group(0) @binding(1) var<storage, read_write> y: array<f32>;\n@compute @workgroup_size(1) fn main() { y[0] = undefined_name; }',
      access: ['write'],
    }));
    be.ctx.launch(kernel, new (await import('../src/context.js')).ParamBlock(), [x], 1);
    await expect(be.read(dense(x, 4))).rejects.toThrow(/GPU reported/);
    be.free(x);
  });

  it('throws a BackendError naming the lost device after the device is lost', async () => {
    const other = await createWebGPUBackend();
    const x = other.alloc(4, 'float32');
    other.destroy();
    await other.device.lost;
    expect(() => other.alloc(4, 'float32')).toThrow(/device was lost/);
    expect(() => other.unary('exp', dense(x, 4), dense(x, 4))).toThrow(BackendError);
    await expect(other.read(dense(x, 4))).rejects.toThrow(/device was lost/);
  });

  it('profile() times each kernel when timestamp queries exist', async () => {
    const x = be.alloc(4096, 'float32');
    const y = be.alloc(4096, 'float32');
    be.write(x, uniform(4096, 1));
    const report = await be.profile(async () => {
      be.unary('exp', dense(x, 4096), dense(y, 4096));
      be.unary('tanh', dense(y, 4096), dense(x, 4096));
      return (await be.read(dense(x, 4)))[0];
    });
    expect(typeof report.result).toBe('number');
    if (report.supported) {
      expect(report.kernels.map((k) => k.name.split(':')[1])).toEqual(['exp', 'tanh', 'copy'].slice(0, report.kernels.length));
      expect(report.kernels.length).toBeGreaterThanOrEqual(2);
      for (const k of report.kernels) expect(k.ms).toBeGreaterThanOrEqual(0);
      expect(report.totalMs).toBeGreaterThanOrEqual(0);
    } else {
      expect(report.kernels).toEqual([]);
    }
    be.free(x);
    be.free(y);
  });
});
