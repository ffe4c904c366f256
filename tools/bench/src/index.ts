/**
 * @tessera/bench: time every Tessera backend against the peers (TensorFlow.js, PyTorch,
 * numpy) in one invocation, interleaved, and write JSON, markdown and SVG charts.
 */
export * from './types.js';
export { summarize, quantile, type Summary } from './stats.js';
export { measureCase, peakFor, type MeasureOptions } from './measure.js';
export { runBench, validate, paramsFor, DEFAULT_OPTIONS, PEERS, type BenchOptions, type PeerId } from './run.js';
export { SUITES, findSuite } from './suites/index.js';
export { loadTesseraBackend, tesseraContestant } from './tessera.js';
export { loadTfjsPeer, type TfjsPeerId, type TfModule } from './peers/tfjs.js';
export { measureGpuPeak, sharedGpu, prepareWebGpuEnv, defaultAdapter, adapterName, DAWN_FLAGS, EMULATED_ADAPTER, type WebGpuEnvOptions } from './gpu.js';
export { loadPythonPeer, PythonServer, type PythonLib } from './peers/python.js';
export { measurePeak, jsCopyBandwidth } from './peak.js';
export { machineInfo } from './machine.js';
export { renderMarkdown, fmtMs, webgpuGoal, WEBGPU_GOAL, adapterPeak, emulatedGpu, type MarkdownOptions } from './report/markdown.js';
export { ratioChart, scalingChart } from './report/svg.js';
export { bestPeers, backendRatios, ratioToBest } from './report/ratios.js';
export { writeReport, sectionOf, NOISY_MACHINE_NOTE, type WriteOptions } from './report/write.js';
