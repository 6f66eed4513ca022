import { BoardProvider, type BoardProviderOptions } from '@drawbridge/client';
import { expect, vi } from 'vitest';
import * as Y from 'yjs';
import { expectConverged as strictlyConverged } from '../../apps/server/src/testing/convergence.js';

export interface Peer {
  doc: Y.Doc;
  provider: BoardProvider;
}

/** A Yjs document bound to a board through the real client provider. */
export function connectPeer(
  url: string,
  boardId: string,
  options: Partial<BoardProviderOptions> = {},
): Peer {
  const doc = options.doc ?? new Y.Doc();
  const provider = new BoardProvider({
    url,
    boardId,
    doc,
    transports: ['websocket'],
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    ...options,
  });
  return { doc, provider };
}

export const whenLive = (peer: Peer) => peer.provider.when((s) => s.status === 'live');

/** Resolves once every local change of the peer is acked as stored. */
export const whenSaved = (peer: Peer) =>
  peer.provider.when((s) => s.status === 'live' && s.unsaved === 0);

/**
 * Adds shape `s<i>` (`shape(i)`) for i = `from`, `from + 1`, ..., each once the one before is
 * saved, until the server refuses one (a full disk): resolves with the refused one's index.
 * Every shape before it was acked, so it is stored. `map` names the root map written to.
 */
export async function editUntilRefused(
  peer: Peer,
  shape: (i: number) => unknown,
  from = 0,
  map = 'shapes',
): Promise<number> {
  const shapes = peer.doc.getMap(map);
  for (let i = from; i < from + 1000; i++) {
    shapes.set(`s${i}`, shape(i));
    const state = await peer.provider.when(
      (s) => (s.status === 'live' && s.unsaved === 0) || s.error !== null,
    );
    if (state.error) return i;
  }
  throw new Error('the server stored 1,000 shapes without refusing one');
}

/**
 * `a` and `b` edit the board while its server cannot store: each sees the other's edit, and `a`
 * stays on the board, live, its edits unsaved.
 */
export async function expectLiveUnsaved(a: Peer, b: Peer, tag: string): Promise<void> {
  a.doc.getMap('shapes').set(`${tag}-a`, { x: 1 });
  b.doc.getMap('shapes').set(`${tag}-b`, { x: 2 });
  await vi.waitFor(
    () => {
      expect(b.doc.getMap('shapes').has(`${tag}-a`)).toBe(true);
      expect(a.doc.getMap('shapes').has(`${tag}-b`)).toBe(true);
    },
    { timeout: 10_000, interval: 20 },
  );
  await vi.waitFor(() => expect(a.provider.state.status).toBe('live'), {
    timeout: 10_000,
    interval: 20,
  });
  expect(a.provider.state.unsaved).toBeGreaterThan(0);
}

export const stateVector = (doc: Y.Doc): string =>
  Buffer.from(Y.encodeStateVector(doc)).toString('base64');

/**
 * Waits until every doc has the same state vector, then asserts full convergence: equal delete
 * sets, no pending structs, equal content of every root type the tests use.
 */
export async function expectConverged(docs: Y.Doc[], timeout = 10_000): Promise<void> {
  await vi.waitFor(
    () => {
      const first = stateVector(docs[0]!);
      for (const doc of docs) expect(stateVector(doc)).toBe(first);
    },
    { timeout, interval: 20 },
  );
  await vi.waitFor(
    () => {
      for (const doc of docs) {
        doc.getMap('shapes');
        doc.getArray('order');
        doc.getText('text');
      }
      strictlyConverged(docs);
    },
    { timeout, interval: 20 },
  );
}

/** Every root type the tests use, as JSON. */
export const snapshotOf = (doc: Y.Doc) => ({
  shapes: doc.getMap('shapes').toJSON(),
  order: doc.getArray('order').toJSON(),
  text: doc.getText('text').toString(),
});

export function destroyAll(peers: Peer[]): void {
  for (const peer of peers) {
    peer.provider.destroy();
    peer.doc.destroy();
  }
}
