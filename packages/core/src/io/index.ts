/**
 * Reading and writing tensors: safetensors (validated, streamed), state dicts and atomic
 * training checkpoints. In-memory functions work everywhere; path-based ones need Node and
 * import `node:fs` only when called.
 */
export {
  parseSafetensors, parseSafetensorsHeader, serializeSafetensors, MAX_HEADER_BYTES,
  type SafetensorsDType, type SafetensorsEntry, type SafetensorsHeader, type FloatFormat, type SerializeOptions, type LoadOptions,
} from './safetensors.js';
export { loadSafetensors, loadSafetensorsWithMetadata, readSafetensorsHeader, saveSafetensors, writeFileAtomic } from './files.js';
export {
  saveCheckpoint, loadCheckpoint, resume, loadTensorsInto, disposeCheckpoint,
  type Checkpoint, type CheckpointContents, type ResumeTargets, type RngState, type StateDictModule, type StateDictOptimizer, type StateDictScheduler,
} from './checkpoint.js';
export { decodeF16, decodeBF16, encodeF16, encodeBF16 } from './half.js';
