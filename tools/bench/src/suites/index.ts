/** Every suite, in report order. Adding a suite: one file here, listed below. */
import type { Suite } from '../types.js';
import { attention } from './attention.js';
import { cnn } from './cnn.js';
import { conv } from './conv.js';
import { gptGenerate } from './gpt-generate.js';
import { gptTrain } from './gpt-train.js';
import { matmul } from './matmul.js';
import { mlp } from './mlp.js';

export const SUITES: readonly Suite[] = [matmul, mlp, conv, cnn, attention, gptTrain, gptGenerate];

export function findSuite(name: string): Suite | undefined {
  return SUITES.find((s) => s.name === name);
}
