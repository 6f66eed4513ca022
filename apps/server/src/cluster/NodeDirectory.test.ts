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
    onArrived: (node) => events.push(`arrived ${node}`),
  });
  return {
    directory,
    events,
    beat: (node: string, instance?: string) =>
      deliver({ type: 'heartbeat', node, ...(instance ? { instance } : {}) }),
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
    expect(h.events).toEqual(['arrived node-2', 'gone node-2 silent']);
    h.beat('node-2');
    h.beat('node-2');
    expect(h.events).toEqual(['arrived node-2', 'gone node-2 silent', 'arrived node-2']);
    expect(h.directory.alive).toEqual(['node-2']);
  });

  it('finds a node restarted under the same id from its new instance: gone, then arrived', () => {
    const h = harness();
    h.beat('node-2', 'first');
    h.beat('node-2', 'first');
    h.beat('node-2', 'second');
    expect(h.events).toEqual(['arrived node-2', 'gone node-2 restarted', 'arrived node-2']);
    // A node of an older version names no instance: it arrives, nothing more to tell.
    h.beat('node-3');
    h.beat('node-3');
    expect(h.events.slice(3)).toEqual(['arrived node-3']);
  });

  it('says its own instance in every heartbeat', () => {
    const sent: NodeMessage[] = [];
    const bus = {
      nodeId: 'node-1',
      publishNode: (message: NodeMessage) => sent.push(message),
      onNodeMessage: () => {},
    } as unknown as ClusterBus;
    const directory = new NodeDirectory({
      bus,
      clock: { now: () => 0 },
      heartbeatMs: 1000,
      deadAfterMs: 3000,
      onGone: () => {},
      instance: 'abc',
    });
    directory.start();
    directory.stop();
    expect(sent[0]).toEqual({ type: 'heartbeat', node: 'node-1', instance: 'abc' });
  });
});
