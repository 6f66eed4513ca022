/** Steps shared by the tests where storage hangs (PostgreSQL stopped, a disk stalled). */
import { ErrorCode } from '@drawbridge/protocol';
import { expect, vi } from 'vitest';
import type * as Y from 'yjs';
import type { Peer } from './peers.js';
import { type RawSocket, sendUpdate } from './rawClient.js';

/**
 * Sends an edit of `doc` (joined to `boardId` through `raw`) while storage hangs: it is answered
 * "not stored yet", neither acked nor left unanswered. Returns how long the answer took (ms).
 */
export async function expectNotStoredYet(
  raw: RawSocket,
  boardId: string,
  doc: Y.Doc,
): Promise<number> {
  let update: Uint8Array | null = null;
  doc.once('update', (u: Uint8Array) => {
    update = u;
  });
  doc.getMap('shapes').set('raw', { kind: 'rect' });
  const sentAt = Date.now();
  const ack = await sendUpdate(raw, boardId, update!);
  const answeredMs = Date.now() - sentAt;
  expect(ack).toMatchObject({
    ok: false,
    error: { code: ErrorCode.STORAGE_ERROR, message: 'the update is not stored yet' },
  });
  return answeredMs;
}

/**
 * `a` and `b` draw a shape each (`addShape`), in rounds, until `until` (a `Date.now()` time),
 * each round seen by both before the next. Returns the rounds drawn.
 */
export async function drawTogetherUntil(
  a: Peer,
  b: Peer,
  until: number,
  addShape: (p: Peer, tag: string) => string,
): Promise<number> {
  let rounds = 0;
  while (Date.now() < until) {
    const keys = [addShape(a, 'hung'), addShape(b, 'hung')];
    await vi.waitFor(
      () => {
        for (const p of [a, b])
          for (const key of keys) expect(p.doc.getMap('shapes').has(key)).toBe(true);
      },
      { timeout: 5000, interval: 20 },
    );
    rounds++;
  }
  return rounds;
}
