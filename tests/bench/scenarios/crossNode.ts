/**
 * Cross-node fan-out: a writer on one Drawbridge node, readers on another, over Redis. A
 * placeholder until clustering lands. To fill it in: start Redis (and two Drawbridge nodes
 * with its URL) in `run`, reuse `runBroadcast`'s clients with the readers' `server` set to the
 * second node, and list 'drawbridge' (and peers that cluster, e.g. Hocuspocus with its Redis
 * extension) in `supports`.
 */
import type { Scenario } from '../lib/scenario.js';

export const crossNode: Scenario = {
  name: 'cross-node',
  title: 'Cross-node fan-out: two Drawbridge nodes over Redis',
  description: '1 writer on node A -> 50 readers on node B, deliveries/s and p99 latency.',
  supports: [],
  unavailable: 'Drawbridge has no clustering yet; this scenario is the place for it.',
  async run() {
    throw new Error('not available');
  },
};
