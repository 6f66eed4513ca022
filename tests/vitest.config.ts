import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'integration',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'e2e/**', 'bench/peers/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
