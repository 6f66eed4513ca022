import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'board', include: ['src/**/*.test.ts'] },
});
