import { BackendError, type View } from '@tessera/core';
import type { GpuContext } from './context.js';
export const INDEX_ERROR_OPS: Record<number, string> = { 1: 'gather', 2: 'scatterAdd' };
export function gather(_c: GpuContext, _x: View, _a: number, _i: View, _o: View): void { throw new BackendError('todo'); }
export function scatterAdd(_c: GpuContext, _i: View, _s: View, _a: number, _o: View): void { throw new BackendError('todo'); }
