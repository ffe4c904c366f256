import { BackendError, type View } from '@tessera/core';
import type { GpuContext } from './context.js';
export function sort(_c: GpuContext, _x: View, _a: number, _d: boolean, _v: View, _i: View): void { throw new BackendError('todo'); }
