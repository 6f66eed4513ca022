import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/server', 'apps/web', 'tests', 'tests/e2e'],
    reporters: ['default', './scripts/summaryReporter.ts'],
  },
});
