import { BackendError, type ArgReduceOp, type ReduceOp, type View } from '@tessera/core';
import type { GpuContext } from './context.js';
export function reduce(_c: GpuContext, op: ReduceOp, _x: View, _a: readonly number[], _o: View): void { throw new BackendError(`webgpu ${op}: todo`); }
export function argReduce(_c: GpuContext, op: ArgReduceOp, _x: View, _a: number, _o: View): void { throw new BackendError(`webgpu ${op}: todo`); }
export function cumsum(_c: GpuContext, _x: View, _a: number, _o: View): void { throw new BackendError('todo'); }
