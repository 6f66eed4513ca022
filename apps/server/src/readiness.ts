import type { Readiness } from './http/context.js';
import { withTimeout } from './withTimeout.js';

/**
 * `/readyz`'s check: every dependency answers within a bound (a hung database must make the
 * node unready, not hang the probe), and the server itself is listening and not shutting down.
 */
export function createReadiness(options: {
  probes: Record<string, () => Promise<void>>;
  server: () => string;
}): () => Promise<Readiness> {
  return async () => {
    const checks: Record<string, string> = {};
    await Promise.all(
      Object.entries(options.probes).map(async ([name, ping]) => {
        try {
          await withTimeout(ping(), READINESS_TIMEOUT_MS);
          checks[name] = 'ok';
        } catch (error) {
          checks[name] = error instanceof Error ? error.message : String(error);
        }
      }),
    );
    checks.server = options.server();
    return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
  };
}

const READINESS_TIMEOUT_MS = 2000;
