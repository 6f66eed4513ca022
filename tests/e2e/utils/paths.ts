import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root, three levels above this file (tests/e2e/utils). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const webDir = path.join(repoRoot, 'apps', 'web');
export const webDist = path.join(webDir, 'dist');
/** Screenshots, downloads and logs of each run; git-ignored. */
export const artifactsDir = fileURLToPath(new URL('../artifacts/', import.meta.url));
/**
 * What the server serves: the freshly built web app, or a prebuilt one from E2E_STATIC_DIR
 * (then nothing is built).
 */
export const staticDir = process.env.E2E_STATIC_DIR
  ? path.resolve(process.env.E2E_STATIC_DIR)
  : webDist;
