// Dawn (npm `webgpu`) needs a Vulkan driver; on a machine without a GPU that is SwiftShader,
// which Debian's chromium package ships. Set here, not in test.env, so every pool sees it.
import { existsSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tesseraProject } from '../../vitest.shared.js';
// @ts-expect-error: a plain .mjs script without type declarations.
import { writeShaderModule } from './scripts/gen-shaders.mjs';

const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;
if (!process.env.XDG_RUNTIME_DIR) {
  const runtimeDir = join(tmpdir(), `tessera-xdg-${process.getuid?.() ?? 0}`);
  mkdirSync(runtimeDir, { recursive: true });
  chmodSync(runtimeDir, 0o700);
  process.env.XDG_RUNTIME_DIR = runtimeDir;
}
writeShaderModule();

export default tesseraProject({ testTimeout: 120_000 });
