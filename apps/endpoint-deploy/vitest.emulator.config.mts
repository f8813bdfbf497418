// undefined
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test-emulator/**/*.test.ts'],
    maxWorkers: 2,
    testTimeout: 60000,
    hookTimeout: 60000,
    globalSetup: ["@sagemaker-mlops/test-utils/lib/moto-global-setup.js"],
  },
});