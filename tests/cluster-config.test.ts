/**
 * Nodes of one cluster must share AUTH_SECRET, ADMIN_TOKEN and PUBLIC_URL: a node that hears a
 * different one in another node's heartbeat says so in its log (naming the setting and the
 * node, never the value) and in `drawbridge_cluster_config_mismatches`; the figure falls back
 * once the odd node is gone. Three real nodes over a private PostgreSQL and Redis, the third
 * started without AUTH_SECRET, as an operator who forgot it on one machine would.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { nodeMetric, startCluster, type TestCluster } from './utils/cluster.js';

const SECRET = 'cluster-config-test-secret-0123456789abcdef';
const MISMATCHES = 'drawbridge_cluster_config_mismatches';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster({
    nodes: 3,
    env: { ADMIN_TOKEN: 'cluster-config-admin-token-0123456789' },
    nodeEnv: (i): Record<string, string> => (i < 2 ? { AUTH_SECRET: SECRET } : {}),
  });
}, 60_000);

afterAll(async () => {
  await cluster?.destroy();
});

/** Every running node's figure, by index (null for a node that is down). */
const mismatches = () =>
  Promise.all(
    cluster.nodes.map((node) => (node ? nodeMetric(node.url, MISMATCHES) : Promise.resolve(null))),
  );

describe('settings every node must share', () => {
  it('a node without the others’ AUTH_SECRET is reported by every node, and the report clears once it is gone', async () => {
    // Nodes 1 and 2 each disagree with node 3; node 3 with both.
    await vi.waitFor(async () => expect(await mismatches()).toEqual([1, 1, 2]), {
      timeout: 10_000,
      interval: 100,
    });
    const reports = (index: number) =>
      cluster.nodes[index]!.logs.filter((line) =>
        line.includes('every node of a cluster needs the same value'),
      ).map(
        (line) => JSON.parse(line) as { level: number; node: string; setting: string; msg: string },
      );
    expect(reports(0).map((r) => [r.level, r.node, r.setting])).toEqual([
      [50, 'node-3', 'AUTH_SECRET'],
    ]);
    expect(reports(0)[0]!.msg).toContain('set on one and not the other');
    expect(
      reports(2)
        .map((r) => [r.node, r.setting])
        .sort(),
    ).toEqual([
      ['node-1', 'AUTH_SECRET'],
      ['node-2', 'AUTH_SECRET'],
    ]);
    // The value itself never reaches a log.
    for (const node of cluster.nodes) expect(node!.logs.join('\n')).not.toContain(SECRET);

    // Node 3 stops: nobody disagrees any more.
    await cluster.nodes[2]!.kill('SIGTERM');
    await vi.waitFor(async () => expect(await mismatches()).toEqual([0, 0, null]), {
      timeout: 10_000,
      interval: 100,
    });
  });
});
