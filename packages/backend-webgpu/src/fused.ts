import { BackendError, type FusedKernels, type View } from '@tessera/core';
import type { GpuContext } from './context.js';
export function softmax(_c: GpuContext, _x: View, _o: View, _l: boolean): void { throw new BackendError('todo'); }
export function layerNorm(_c: GpuContext, _x: View, _w: View | null, _b: View | null, _e: number, _o: View, _m: View, _r: View): void { throw new BackendError('todo'); }
export function adamStep(_c: GpuContext, _p: View, _g: View, _m: View, _v: View, _o: Parameters<FusedKernels['adamStep']>[4]): void { throw new BackendError('todo'); }
