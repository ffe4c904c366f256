import { BackendError, type Activation, type View } from '@tessera/core';
import type { GpuContext } from './context.js';
export function matmul(_c: GpuContext, _a: View, _b: View, _o: View, _e?: { bias?: View; activation?: Activation }): void { throw new BackendError('todo'); }
