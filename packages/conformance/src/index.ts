/**
 * @tessera/conformance: the one suite every backend runs. An OpInfo-style table describes
 * each public op as data; `runConformance` checks a backend against the float64 cpu
 * reference, central finite differences and PyTorch fixtures; `defineConformanceSuite`
 * registers the same checks as vitest tests.
 */
export * from './types.js';
export { Rng, f32, i32, bool, input, transposeView, permuteView, sliceView, expandView, viewedShape } from './rng.js';
export { DEFAULT_TOLERANCE, compareValues, toleranceFor, type Comparison } from './compare.js';
export { gen, make, unarySamples, binarySamples, reduceSamples, specialSample, type Gen } from './samples.js';
export { opTable, entry } from './table.js';
export { optimizerTable, optimizerOpName, runOptimizer, type OptimizerEntry } from './optim.js';
export {
  runConformance, runEntry, runSample, runTorch, runCustom, samplesFor, skipReason, gradMask,
  forwardCheck, finiteDiffCheck, torchCheck, leakCheck, withLeak, ALL_CHECKS,
  type RunOptions, type EntryRunContext,
} from './run.js';
export { memoryCounts, memoryDiff } from './memory-counts.js';
export { moduleEntry, loadInputs, withParams, type ModuleSpec } from './ops/modules.js';
export { GPT2Block, GPT2Attention, GPT2MLP, Conv1D } from './modules/gpt2-block.js';
export {
  runTrainingMemory, trainingCheckResult, TinyGPT, TRAINING_MODELS,
  type TrainingModel, type TrainingMemoryOptions, type TrainingMemoryResult,
} from './training-memory.js';
export {
  loadFixtures, defaultFixturesDir, fixtureTensor, fixtureInputs,
  type FixtureSet, type FixtureIndex, type FixtureCase, type FixtureInput, type FixtureTensorRef, type OptimizerFixture,
} from './fixtures.js';
export { formatTable, summarize, formatCell } from './report.js';
export { renderMatrix } from './matrix-render.js';
export { defineConformanceSuite, defineTrainingMemorySuite, type SuiteOptions } from './suite.js';
