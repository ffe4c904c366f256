/** Small helpers the layers share: argument checks and fresh parameters. */
import { ValueError } from '../errors.js';
import { zeros } from '../ops/creation.js';
import { Parameter } from './module.js';

/** A new float32 parameter of `shape` (zeros until an initialiser fills it). */
export function newParameter(shape: readonly number[], requiresGrad = true): Parameter {
  const t = zeros(shape);
  const p = new Parameter(t, requiresGrad);
  t.dispose();
  return p;
}

export function checkPositiveInt(op: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0) throw new ValueError(`${op}: ${name} must be a positive integer, got ${v}.`);
  return v;
}

export function checkProbability(op: string, name: string, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`${op}: ${name} must be a probability in [0, 1], got ${p}.`);
  return p;
}
