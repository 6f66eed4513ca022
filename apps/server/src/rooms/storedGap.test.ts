import { scanUpdate } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { silentLogger } from '../logger.js';
import { MemoryStorage } from '../storage/MemoryStorage.js';
import { expectConverged } from '../testing/convergence.js';
import { BoardRoom } from './BoardRoom.js';
import { BoardLoader, DIRECT_LOAD_BYTES } from './loading/BoardLoader.js';
import { clientDoc, nextTurn, recordingSink, roomDeps } from './testing/roomKit.js';

/**
 * A board compacted while one of a client's edits was not stored (its append failed and waits
 * for its retry, or its record is damaged): the snapshot holds the client's later content after
 * a gap (a Yjs Skip). Loads must keep that content, waiting for the gap, not refuse the snapshot
 * and with it every record it replaced.
 */
describe('a board stored with a gap in a client’s content', () => {
  async function storedWithGap(shapes: number) {
    const client = clientDoc();
    for (let i = 0; i < shapes; i++) {
      client.doc.getMap('shapes').set(`shape-${i}`, { x: i, text: `shape ${i} `.repeat(12) });
    }
    const missing = Math.floor(shapes / 2);
    const storage = new MemoryStorage();
    for (const [i, update] of client.updates.entries()) {
      if (i !== missing) await storage.append('b', update);
    }
    expect(await storage.compact('b')).toMatchObject({ compacted: true });
    const stored = await storage.load('b');
    expect(stored.updates).toHaveLength(1);
    expect(() => scanUpdate(stored.updates[0]!)).toThrow(/skips a range/);
    return { client, storage, missing, bytes: stored.bytes };
  }

  it('answers a cold join while a large one loads without the waiting content', async () => {
    const { storage, missing } = await storedWithGap(1500);
    const loader = new BoardLoader(silentLogger);
    try {
      // Not waiting for the load: a join with nothing would be answered from the stored bytes.
      const room = await BoardRoom.open('b', roomDeps(storage, { loader }));
      const joiner = new Y.Doc();
      Y.applyUpdate(joiner, (await room.sync(new Uint8Array([0]))).update);
      expect(joiner.store.pendingStructs).toBeNull();
      expect(joiner.getMap('shapes').size).toBe(missing);
      room.destroy();
    } finally {
      await loader.close();
    }
  });

  for (const [size, shapes] of [
    ['small', 60],
    ['large (sliced in the worker)', 1500],
  ] as const) {
    it(`loads a ${size} one whole once the missing edit comes back`, async () => {
      const { client, storage, missing, bytes } = await storedWithGap(shapes);
      expect(bytes >= DIRECT_LOAD_BYTES).toBe(shapes > 100);
      const loader = new BoardLoader(silentLogger);
      try {
        const sink = recordingSink();
        const room = await BoardRoom.load('b', roomDeps(storage, { loader, relay: sink }));
        // Everything before the gap is on the board; what comes after waits for it.
        expect(room.doc.getMap('shapes').size).toBe(missing);
        expect(room.doc.store.pendingStructs).not.toBeNull();
        // A joiner gets the board without the waiting content, which it could not integrate
        // either (and would send back at every join).
        const joiner = new Y.Doc();
        Y.applyUpdate(joiner, (await room.sync(new Uint8Array([0]))).update);
        expect(joiner.getMap('shapes').size).toBe(missing);
        expect(joiner.store.pendingStructs).toBeNull();

        // The member that holds the edit resends it (its rejoin after the failure).
        room.addMember('m1');
        const update = client.updates[missing]!;
        const { integrated, durable } = room.applyUpdate(update, scanUpdate(update), 'm1');
        expect(integrated).toBe(true);
        await durable;
        // The relay carries the edit and everything it let the board integrate.
        await nextTurn();
        for (const frame of sink.relayed) Y.applyUpdate(joiner, frame.update);
        expectConverged([room.doc, client.doc, joiner], ['room', 'client', 'joiner']);

        // Stored whole: a reload and a compaction hold every shape.
        const reloaded = await BoardRoom.load('b', roomDeps(storage, { loader }));
        reloaded.doc.getMap('shapes'); // a root is typed once read
        expectConverged([reloaded.doc, client.doc], ['reloaded', 'client']);
        expect(await storage.compact('b', { minRecords: 1 })).toMatchObject({ compacted: true });
        const compacted = await storage.load('b');
        expect(() => scanUpdate(compacted.updates[0]!)).not.toThrow();
        const again = await BoardRoom.load('b', roomDeps(storage, { loader }));
        again.doc.getMap('shapes');
        expectConverged([again.doc, client.doc], ['compacted', 'client']);
      } finally {
        await loader.close();
      }
    });
  }
});
