import { defineConformanceSuite } from '@tessera/conformance';
import { createWebGPUBackend } from '../src/index.js';
// SwiftShader emulates the GPU on the CPU: the small size drops the large cases.
defineConformanceSuite(() => createWebGPUBackend(), { size: 'small' });
