// undefined
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  test: {
    include: ['test-emulator/**/*.test.ts'],
    maxWorkers: 2,
    testTimeout: 60000,
    hookTimeout: 60000,
    globalSetup: [require.resolve("@sagemaker-mlops/test-utils/lib/moto-global-setup.js")],
  },
});