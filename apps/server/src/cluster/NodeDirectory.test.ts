import { describe, expect, it } from 'vitest';
import type { ClusterBus } from './Bus.js';
import type { NodeMessage } from './messages.js';
import { NodeDirectory } from './NodeDirectory.js';

/** Node messages in, nothing out: the directory's view of the bus. */
function harness() {
  let deliver: (message: NodeMessage) => void = () => {};
  const bus = {
    nodeId: 'node-1',
    publishNode: () => {},
    onNodeMessage: (handler: (message: NodeMessage) => void) => {
      deliver = handler;
    },
  } as unknown as ClusterBus;
  let now = 0;
  const events: string[] = [];
  const directory = new NodeDirectory({
    bus,
    clock: { now: () => now },
    heartbeatMs: 1000,
    deadAfterMs: 3000,
    onGone: (node, reason) => events.push(`gone ${node} ${reason}`),
    onBack: (node) => events.push(`back ${node}`),
  });
  return {
    directory,
    events,
    beat: (node: string) => deliver({ type: 'heartbeat', node }),
    bye: (node: string) => deliver({ type: 'bye', node }),
    /** Time passes; the directory's own heartbeat (and sweep) runs once, no timer left. */
    advance(ms: number) {
      now += ms;
      directory.start();
      directory.stop();
    },
  };
}

describe('NodeDirectory', () => {
  it('tells when a node found silent is heard again, once', () => {
    const h = harness();
    h.beat('node-2');
    h.advance(3500);
    expect(h.events).toEqual(['gone node-2 silent']);
    h.beat('node-2');
    h.beat('node-2');
    expect(h.events).toEqual(['gone node-2 silent', 'back node-2']);
    expect(h.directory.alive).toEqual(['node-2']);
  });

  it('does not call a node that said goodbye back: it is a new start', () => {
    const h = harness();
    h.beat('node-2');
    h.bye('node-2');
    h.beat('node-2');
    expect(h.events).toEqual(['gone node-2 bye']);
  });
});
