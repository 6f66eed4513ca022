import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/server', 'tests'],
    reporters: ['default', './scripts/summaryReporter.ts'],
  },
});
