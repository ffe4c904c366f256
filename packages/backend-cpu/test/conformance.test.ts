import { defineConformanceSuite } from '@tessera/conformance';
import { createCpuBackend } from '../src/index.js';
// The whole table (ops, losses, modules, optimizers) with the per-case leak check, and the
// training-memory tests (MLP, CNN, GPT; 200 AdamW steps each).
defineConformanceSuite(() => createCpuBackend(), { leakCheck: true });
