import type { Backend, BackendBuffer, DType } from './backend.js';
import { bytesPerElement } from './dtype.js';
import { BackendError } from './errors.js';
import { liveStats } from './runtime.js';

/**
 * A backend buffer shared by a tensor and its views. It is freed when the last tensor that
 * uses it is disposed (or garbage-collected, through the safety net in tensor.ts).
 */
export class Storage {
  private refs = 0;
  private freed = false;

  constructor(
    readonly backend: Backend,
    readonly buffer: BackendBuffer,
  ) {
    const stats = liveStats(backend.name);
    stats.buffers++;
    stats.bytes += buffer.size * bytesPerElement(buffer.dtype);
  }

  /** Allocate a new buffer of `size` elements on `backend`. */
  static alloc(backend: Backend, size: number, dtype: DType): Storage {
    return new Storage(backend, backend.alloc(size, dtype));
  }

  get isFreed(): boolean {
    return this.freed;
  }

  retain(): void {
    if (this.freed) throw new BackendError('Storage: retain after free; this tensor was disposed.');
    this.refs++;
  }

  release(): void {
    if (this.freed) return;
    if (--this.refs > 0) return;
    this.freed = true;
    const stats = liveStats(this.backend.name);
    stats.buffers--;
    stats.bytes -= this.buffer.size * bytesPerElement(this.buffer.dtype);
    this.backend.free(this.buffer);
  }
}
