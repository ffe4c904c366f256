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
    float64: boolean,
  ) {
    this.storage = allocArray(dtype, size, float64);
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

  release(): void {
    this.storage = null;
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

/** Counts live buffers and their bytes, for `memory()`. */
export class BufferPool {
  private liveBuffers = 0;
  private liveBytes = 0;

  constructor(private readonly float64: boolean) {}

  alloc(size: number, dtype: DType): CpuBuffer {
    if (!Number.isInteger(size) || size < 0) {
      throw new BackendError(`cpu alloc: size must be a non-negative integer, got ${size}`);
    }
    const buffer = new CpuBuffer(size, dtype, this.float64);
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
    buffer.release();
  }

  memory(): { buffers: number; bytes: number } {
    return { buffers: this.liveBuffers, bytes: this.liveBytes };
  }
}
