/**
 * PyTorch golden fixtures (written by tools/fixtures/generate.py): a JSON index plus one
 * binary blob of little-endian tensors (float32, int32; bool as one byte). Inputs are
 * generated in Python and stored, so both sides run on exactly the same numbers.
 */
import type { DType } from '@tessera/core';
import type { Args, SampleInput, ViewOp } from './types.js';

/** A tensor in the blob: `offset` is in bytes, elements are row-major. */
export interface FixtureTensorRef {
  dtype: DType;
  shape: number[];
  offset: number;
}

export interface FixtureInput extends FixtureTensorRef {
  /** Views PyTorch applied to the stored base before the op (and the suite applies too). */
  view?: ViewOp[];
  /** Gradient of sum(out_i * cot_i) with respect to this (base) input, when it was differentiated. */
  grad?: FixtureTensorRef | null;
}

export interface FixtureCase {
  /** 'op' for an op entry, 'module' for a whole layer; both are looked up in the table by `op`. */
  kind: 'op' | 'module';
  op: string;
  case: string;
  args: Args;
  inputs: FixtureInput[];
  outputs: FixtureTensorRef[];
  /** The output cotangents used for the gradients (null for non-float outputs). */
  cotangents: (FixtureTensorRef | null)[];
}

/**
 * An optimizer trajectory (hook for optim conformance): initial parameters, the gradient fed
 * at each step, and the parameters after each step. Written by the generator's OPTIMIZERS table.
 */
export interface OptimizerFixture {
  optimizer: string;
  case: string;
  hyper: Args;
  params: FixtureTensorRef[];
  steps: { grads: FixtureTensorRef[]; params: FixtureTensorRef[] }[];
}

export interface FixtureIndex {
  format: 1;
  torch: string;
  blob: string;
  cases: FixtureCase[];
  optimizers: OptimizerFixture[];
}

export interface FixtureSet {
  index: FixtureIndex;
  blob: Uint8Array;
}

export interface HostTensorData {
  dtype: DType;
  shape: number[];
  data: Float64Array;
}

/** Decode one tensor of the blob into float64 numbers. */
export function fixtureTensor(ref: FixtureTensorRef, set: FixtureSet): HostTensorData {
  const n = ref.shape.reduce((p, d) => p * d, 1);
  const view = new DataView(set.blob.buffer, set.blob.byteOffset, set.blob.byteLength);
  const data = new Float64Array(n);
  switch (ref.dtype) {
    case 'float32':
      for (let i = 0; i < n; i++) data[i] = view.getFloat32(ref.offset + 4 * i, true);
      break;
    case 'int32':
      for (let i = 0; i < n; i++) data[i] = view.getInt32(ref.offset + 4 * i, true);
      break;
    case 'bool':
      for (let i = 0; i < n; i++) data[i] = view.getUint8(ref.offset + i);
      break;
  }
  return { dtype: ref.dtype, shape: [...ref.shape], data };
}

/** A fixture case's inputs as sample inputs (base data plus views). */
export function fixtureInputs(fc: FixtureCase, set: FixtureSet): SampleInput[] {
  return fc.inputs.map((inp) => {
    const t = fixtureTensor(inp, set);
    const s: SampleInput = { dtype: inp.dtype, shape: t.shape, data: t.data, grad: !!inp.grad };
    if (inp.view) s.view = inp.view;
    return s;
  });
}

/** Where the committed fixtures live: TESSERA_FIXTURES_DIR, else tools/fixtures in this repository. */
export function defaultFixturesDir(): URL {
  const env = typeof process !== 'undefined' ? process.env.TESSERA_FIXTURES_DIR : undefined;
  if (env) return new URL(`file://${env.endsWith('/') ? env : `${env}/`}`);
  return new URL('../../../tools/fixtures/', import.meta.url);
}

/** Read the index and blob (Node). In a browser, fetch both yourself and pass a FixtureSet. */
export async function loadFixtures(dir: URL = defaultFixturesDir()): Promise<FixtureSet> {
  const { readFile } = await import('node:fs/promises');
  const index = JSON.parse(await readFile(new URL('ops.json', dir), 'utf8')) as FixtureIndex;
  if (index.format !== 1) throw new Error(`loadFixtures: unknown fixture format ${String(index.format)} in ${dir.href}ops.json`);
  const bytes = await readFile(new URL(index.blob, dir));
  return { index, blob: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}
