import { BoardProvider, type BoardProviderOptions } from '@drawbridge/client';
import { expect, vi } from 'vitest';
import * as Y from 'yjs';

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

export const stateVector = (doc: Y.Doc): string =>
  Buffer.from(Y.encodeStateVector(doc)).toString('base64');

/** Waits until every doc has the same state vector, then asserts identical content. */
export async function expectConverged(docs: Y.Doc[], timeout = 10_000): Promise<void> {
  await vi.waitFor(
    () => {
      const first = stateVector(docs[0]!);
      for (const doc of docs) expect(stateVector(doc)).toBe(first);
    },
    { timeout, interval: 20 },
  );
  // Deep equality: map key order reflects local insertion order, which peers need not share.
  const content = snapshotOf(docs[0]!);
  for (const doc of docs) expect(snapshotOf(doc)).toEqual(content);
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
