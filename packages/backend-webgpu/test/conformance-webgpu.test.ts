import { describe, it } from 'vitest';
import { describeBackend } from '@kiln/tensor/testing';
import { createWebGPUBackend, requestDevice } from '../src/index.js';
import { WEBGPU_SKIP_REASON } from './gpu-available.js';

const reason = WEBGPU_SKIP_REASON;
if (reason !== null) {
  describe('Backend conformance: webgpu', () => it.skip(reason, () => {}));
} else {
  describeBackend('webgpu', async () => createWebGPUBackend((await requestDevice()).device), {
    skip: {},
  });
}
