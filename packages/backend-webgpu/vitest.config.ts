import { existsSync } from 'node:fs';
import { kilnVitestConfig } from '../../vitest.shared.ts';

// Without a GPU, Dawn finds Debian chromium's SwiftShader Vulkan driver through this variable.
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
const env: Record<string, string> = {};
if (!process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) env.VK_ICD_FILENAMES = swiftshader;

export default kilnVitestConfig({ test: { env, testTimeout: 120_000, hookTimeout: 120_000, pool: 'forks' } });
