/**
 * Buffers of the cpu backend: a typed array per buffer, plus the bookkeeping that backs
 * `memory()` and the freed-buffer checks every kernel runs.
 */
import { BackendError, type BackendBuffer, type DType, type TypedArray, type View } from '@tessera/core';

/** A cpu buffer: `size` elements of `dtype` in a typed array, or nothing once freed. */
export class CpuBuffer implements BackendBuffer {
  private storage: TypedArray | null;

  constructor(
    readonly size: number,
    readonly dtype: DType,
    storage: TypedArray,
  ) {
    this.storage = storage;
  }

  get freed(): boolean {
    return this.storage === null;
  }

  get bytes(): number {
    return this.storage?.byteLength ?? 0;
  }

  /** The typed array; throws a {@link BackendError} naming `op` once the buffer was freed. */
  array(op: string): TypedArray {
    if (this.storage === null) {
      throw new BackendError(`cpu ${op}: buffer of ${this.size} ${this.dtype} elements was already freed`);
    }
    return this.storage;
  }

  /** Detach and return the typed array (for reuse); the buffer is freed from then on. */
  release(): TypedArray | null {
    const storage = this.storage;
    this.storage = null;
    return storage;
  }
}

/** A zeroed typed array for `dtype`; float32 is stored as Float64Array in float64 mode. */
export function allocArray(dtype: DType, size: number, float64: boolean): TypedArray {
  switch (dtype) {
    case 'float32':
      return float64 ? new Float64Array(size) : new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** The typed array behind a view, checked: it must be a live cpu buffer. */
export function dataOf(view: View, op: string): TypedArray {
  const buffer = view.buffer;
  if (!(buffer instanceof CpuBuffer)) {
    throw new BackendError(`cpu ${op}: the view's buffer does not belong to the cpu backend`);
  }
  return buffer.array(op);
}

/** Bytes of freed arrays kept for reuse; beyond it, freed arrays go to the garbage collector. */
const POOL_LIMIT_BYTES = 256 * 1024 * 1024;

/**
 * Counts live buffers and their bytes, for `memory()`, and keeps freed typed arrays by
 * (dtype, size) for reuse: a training loop allocates the same sizes every step, and reusing
 * them spares the garbage collector (and the zero-filling) most of that work.
 */
export class BufferPool {
  private liveBuffers = 0;
  private liveBytes = 0;
  private readonly spare = new Map<string, TypedArray[]>();
  private spareBytes = 0;

  constructor(
    private readonly float64: boolean,
    private readonly reuse = true,
  ) {}

  alloc(size: number, dtype: DType): CpuBuffer {
    if (!Number.isInteger(size) || size < 0) {
      throw new BackendError(`cpu alloc: size must be a non-negative integer, got ${size}`);
    }
    const reused = this.spare.get(`${dtype}:${size}`)?.pop();
    if (reused) this.spareBytes -= reused.byteLength;
    const buffer = new CpuBuffer(size, dtype, reused ?? allocArray(dtype, size, this.float64));
    this.liveBuffers++;
    this.liveBytes += buffer.bytes;
    return buffer;
  }

  write(buffer: BackendBuffer, data: TypedArray, offset = 0): void {
    if (!(buffer instanceof CpuBuffer)) throw new BackendError('cpu write: the buffer does not belong to the cpu backend');
    const target = buffer.array('write');
    if (!Number.isInteger(offset) || offset < 0 || offset + data.length > buffer.size) {
      throw new BackendError(
        `cpu write: ${data.length} elements at offset ${offset} do not fit a buffer of ${buffer.size} elements`,
      );
    }
    if (buffer.dtype === 'bool') {
      for (let i = 0; i < data.length; i++) target[offset + i] = data[i] !== 0 ? 1 : 0;
    } else {
      target.set(data, offset);
    }
  }

  free(buffer: BackendBuffer): void {
    if (!(buffer instanceof CpuBuffer)) throw new BackendError('cpu free: the buffer does not belong to the cpu backend');
    if (buffer.freed) throw new BackendError(`cpu free: buffer of ${buffer.size} ${buffer.dtype} elements was already freed`);
    this.liveBuffers--;
    this.liveBytes -= buffer.bytes;
    const storage = buffer.release();
    if (this.reuse && storage && storage.byteLength > 0 && this.spareBytes + storage.byteLength <= POOL_LIMIT_BYTES) {
      const key = `${buffer.dtype}:${buffer.size}`;
      let list = this.spare.get(key);
      if (!list) this.spare.set(key, (list = []));
      list.push(storage);
      this.spareBytes += storage.byteLength;
    }
  }

  /** Live buffers and bytes, plus the freed bytes kept for reuse (`pooledBytes`). */
  memory(): { buffers: number; bytes: number; pooledBytes: number } {
    return { buffers: this.liveBuffers, bytes: this.liveBytes, pooledBytes: this.spareBytes };
  }
}
