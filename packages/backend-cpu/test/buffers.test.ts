import { BackendError, getBackend, listBackends, setBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/index.js';
import { backends, empty, tensor } from './helpers.js';

describe('registration', () => {
  it('registers cpu (default) and cpu-f64', async () => {
    expect(listBackends()).toEqual(expect.arrayContaining(['cpu', 'cpu-f64']));
    expect(getBackend().info()).toEqual({ name: 'cpu', contract: 1, sync: true, features: { float64: false } });
    const f64 = await setBackend('cpu-f64');
    expect(f64).toBeInstanceOf(CpuBackend);
    expect(f64.info().name).toBe('cpu-f64');
    expect(f64.info().features).toEqual({ float64: true });
    await setBackend('cpu');
  });
});

describe.each(backends)('%s buffers', (name, make) => {
  it('counts live buffers and bytes, and keeps freed arrays for reuse', () => {
    const be = make();
    expect(be.memory()).toEqual({ buffers: 0, bytes: 0, pooledBytes: 0 });
    const f = be.alloc(10, 'float32');
    const i = be.alloc(3, 'int32');
    const b = be.alloc(5, 'bool');
    const fBytes = name === 'cpu' ? 40 : 80;
    expect(be.memory()).toEqual({ buffers: 3, bytes: fBytes + 12 + 5, pooledBytes: 0 });
    be.free(i);
    expect(be.memory()).toEqual({ buffers: 2, bytes: fBytes + 5, pooledBytes: 12 });
    be.free(f);
    be.free(b);
    expect(be.memory()).toEqual({ buffers: 0, bytes: 0, pooledBytes: fBytes + 12 + 5 });
    // Same dtype and size: the freed array is reused, and counted live again.
    const again = be.alloc(3, 'int32');
    expect(be.memory()).toEqual({ buffers: 1, bytes: 12, pooledBytes: fBytes + 5 });
    be.free(again);
    expect(() => be.free(again)).toThrow(/already freed/);
  });

  it('stores float32 as Float32Array, or Float64Array in float64 mode', async () => {
    const be = make();
    const v = tensor(be, [0.1, 2], [2]);
    const data = await be.read(v);
    expect(data).toBeInstanceOf(name === 'cpu' ? Float32Array : Float64Array);
    expect(data[0]).toBe(name === 'cpu' ? Math.fround(0.1) : 0.1);
    expect(await be.read(tensor(be, [1, 2], [2], 'int32'))).toBeInstanceOf(Int32Array);
    expect(await be.read(tensor(be, [1, 0], [2], 'bool'))).toBeInstanceOf(Uint8Array);
  });

  it('writes at an offset and rejects writes that do not fit', () => {
    const be = make();
    const buf = be.alloc(4, 'float32');
    be.write(buf, new Float32Array([1, 2]), 2);
    const view = { buffer: buf, shape: [4], strides: [1], offset: 0, dtype: 'float32' as const };
    expect(Array.from(be.readSync!(view))).toEqual([0, 0, 1, 2]);
    expect(() => be.write(buf, new Float32Array(5))).toThrow(BackendError);
    expect(() => be.write(buf, new Float32Array(2), 3)).toThrow(/do not fit/);
  });

  it('reading, writing or running a kernel on a freed buffer throws BackendError', async () => {
    const be = make();
    const v = tensor(be, [1, 2], [2]);
    const out = empty(be, [2]);
    be.free(v.buffer);
    expect(() => be.readSync!(v)).toThrow(BackendError);
    await expect(be.read(v)).rejects.toThrow(BackendError);
    expect(() => be.write(v.buffer, new Float32Array(1))).toThrow(/freed/);
    expect(() => be.unary('exp', v, out)).toThrow(/exp: .*freed/);
    expect(() => be.matmul(v, v, out)).toThrow(BackendError);
    expect(() => be.free(v.buffer)).toThrow(BackendError);
  });
});
