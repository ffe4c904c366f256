export * from './backend.js';
export * from './errors.js';
export * from './dtype.js';
export {
  registerBackend, listBackends, setBackend, getBackend, use,
  isGradEnabled, setGradEnabled, detectAnomaly, isAnomalyDetectionEnabled,
  manualSeed, getRngState, setRngState,
} from './runtime.js';
