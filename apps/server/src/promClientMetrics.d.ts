/** prom-client's default metrics, one module each (`processMetrics.ts`); they ship no types. */
declare module 'prom-client/lib/metrics/*.js' {
  import type { Registry } from 'prom-client';

  const metric: (
    registry: Registry,
    config: { prefix?: string; eventLoopMonitoringPrecision?: number },
  ) => void;
  export default metric;
}
