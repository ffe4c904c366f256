import { defineConformanceSuite } from '@tessera/conformance';
import { createCpuBackend } from '../src/index.js';
defineConformanceSuite(() => createCpuBackend());
