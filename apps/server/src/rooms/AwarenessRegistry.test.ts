import { ErrorCode, FORGET_GONE_MS, scanAwarenessUpdate } from '@drawbridge/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { AwarenessRegistry } from './AwarenessRegistry.js';

/** A client's awareness, its own state set `changes` times. */
function client(state: Record<string, unknown>, changes = 1) {
  const awareness = new Awareness(new Y.Doc());
  for (let i = 0; i < changes; i++) awareness.setLocalState({ ...state, i });
  const update = () => encodeAwarenessUpdate(awareness, [awareness.clientID]);
  const set = (next: Record<string, unknown>) => awareness.setLocalState(next);
  return { id: awareness.clientID, update, set };
}

/** Another member of the board, applying what the registry relays to it. */
function viewer() {
  const awareness = new Awareness(new Y.Doc());
  awareness.setLocalState(null);
  return {
    take: (update: Uint8Array) => applyAwarenessUpdate(awareness, update, 'server'),
    has: (id: number) => awareness.getStates().has(id),
    state: (id: number) => awareness.getStates().get(id),
  };
}

const registry = () => new AwarenessRegistry(new Y.Doc(), 4, () => {});
const clockOf = (update: Uint8Array) => scanAwarenessUpdate(update)[0]!.clock;

describe('AwarenessRegistry', () => {
  it('takes back a client whose connection went, sent again at the same clock, one clock newer', () => {
    const board = registry();
    const other = viewer();
    const ada = client({ name: 'Ada' }, 3);
    board.addMember('conn-1');
    const sent = ada.update();
    other.take(board.encode(board.applyLocal(sent, scanAwarenessUpdate(sent), 'conn-1')));
    expect(other.has(ada.id)).toBe(true);

    // The connection goes: its state is removed at the clock it had, here and for the others.
    other.take(board.encode(board.removeMember('conn-1')));
    expect(other.has(ada.id)).toBe(false);

    // Back on a new connection with the same state (a client that does not renew it first).
    board.addMember('conn-2');
    const again = ada.update();
    const changed = board.applyLocal(again, scanAwarenessUpdate(again), 'conn-2');
    expect(changed).toEqual([ada.id]);
    const relay = board.encode(changed);
    expect(clockOf(relay)).toBe(clockOf(again) + 1);
    other.take(relay);
    expect(other.has(ada.id)).toBe(true);

    // Its next change comes at the clock the board gave the one before: it is still newer.
    ada.set({ name: 'Ada', cursor: 1 });
    const next = ada.update();
    expect(board.applyLocal(next, scanAwarenessUpdate(next), 'conn-2')).toEqual([ada.id]);
    other.take(board.encode([ada.id]));
    expect(other.state(ada.id)).toMatchObject({ cursor: 1 });

    // Gone and back idle once more: taken back again.
    other.take(board.encode(board.removeMember('conn-2')));
    board.addMember('conn-3');
    expect(board.applyLocal(next, scanAwarenessUpdate(next), 'conn-3')).toEqual([ada.id]);
    other.take(board.encode([ada.id]));
    expect(other.state(ada.id)).toMatchObject({ cursor: 1 });
  });

  it('still ignores a state older than the one removed, and a copy of a live one', () => {
    const board = registry();
    const ada = client({ name: 'Ada' }, 1);
    const older = ada.update();
    ada.set({ name: 'Ada', cursor: 1 });
    const newer = ada.update();
    board.addMember('conn-1');
    board.applyLocal(newer, scanAwarenessUpdate(newer), 'conn-1');
    // A copy of the live state at its own clock changes nothing.
    expect(board.applyLocal(newer, scanAwarenessUpdate(newer), 'conn-1')).toEqual([]);

    board.removeMember('conn-1');
    board.addMember('conn-2');
    // A state from before the one removed stays out.
    expect(board.applyLocal(older, scanAwarenessUpdate(older), 'conn-2')).toEqual([]);
    expect(board.awareness.getStates().has(ada.id)).toBe(false);
  });

  it("takes back a node's members after it was dropped as silent, and its removals after that", () => {
    const board = registry();
    const other = viewer();
    const bob = client({ name: 'Bob' }, 2);
    const announced = bob.update();
    other.take(
      board.encode(board.applyRemote(announced, scanAwarenessUpdate(announced), 'node-2')),
    );
    // Node 2 falls silent (a Redis outage): its members' states are dropped here.
    other.take(board.encode(board.dropNode('node-2')));
    expect(other.has(bob.id)).toBe(false);

    // Back, it answers a query with the same states, at the same clocks.
    const changed = board.applyRemote(announced, scanAwarenessUpdate(announced), 'node-2');
    expect(changed).toEqual([bob.id]);
    other.take(board.encode(changed));
    expect(other.has(bob.id)).toBe(true);

    // His next change, at the clock this board gave the last one, is taken.
    bob.set({ name: 'Bob', cursor: 1 });
    const next = bob.update();
    expect(board.applyRemote(next, scanAwarenessUpdate(next), 'node-2')).toEqual([bob.id]);
    other.take(board.encode([bob.id]));
    expect(other.state(bob.id)).toMatchObject({ cursor: 1 });

    // Bob leaves node 2, which removes his state at the clock it knows: counted as this board
    // counts his clocks, the removal applies, here and for the others.
    const removal = encodeRemoval(bob.id, clockOf(next));
    const removed = board.applyRemote(removal, scanAwarenessUpdate(removal), 'node-2');
    expect(removed).toEqual([bob.id]);
    other.take(board.encode(removed));
    expect(other.has(bob.id)).toBe(false);
  });
  it("drops a state waiting for another node's id when its member leaves first", () => {
    const board = registry();
    const bob = client({ name: 'Bob' }, 1);
    const announced = bob.update();
    board.applyRemote(announced, scanAwarenessUpdate(announced), 'node-2');
    board.addMember('conn-1');
    bob.set({ name: 'Bob', here: true });
    const sent = bob.update();
    expect(() => board.applyLocal(sent, scanAwarenessUpdate(sent), 'conn-1')).toThrowError(
      expect.objectContaining({ code: ErrorCode.FORBIDDEN }),
    );
    board.removeMember('conn-1');
    expect(board.dropNode('node-2')).toEqual([bob.id]);
    expect(board.awareness.getStates().has(bob.id)).toBe(false);
  });
  describe('clocks of clients that left', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('are forgotten once gone long enough, so a long-lived board does not keep one per tab ever opened', () => {
      vi.useFakeTimers();
      const board = registry();
      const join = (memberId: string, ada = client({ name: memberId })) => {
        board.addMember(memberId);
        const update = ada.update();
        board.applyLocal(update, scanAwarenessUpdate(update), memberId);
        return ada;
      };
      join('stays');
      for (let i = 0; i < 200; i++) {
        join(`tab-${i}`);
        board.removeMember(`tab-${i}`);
      }
      // Recently gone: their clocks still guard against late messages (and the board's own).
      expect(board.clocksKept).toBe(202);

      vi.setSystemTime(Date.now() + FORGET_GONE_MS + 1000);
      const back = join('tab-back');
      board.removeMember('tab-back');
      // The member still here keeps its clock, and so does the one just gone; every id long gone
      // is forgotten.
      expect(board.clocksKept).toBe(3);
      expect(board.encodeAll()).toEqual(board.encode([...board.awareness.getStates().keys()]));

      // One of them comes back at the clock it left with: taken as new, and shown to others.
      const other = viewer();
      board.addMember('tab-again');
      const again = back.update();
      const changed = board.applyLocal(again, scanAwarenessUpdate(again), 'tab-again');
      expect(changed).toEqual([back.id]);
      other.take(board.encode(changed));
      expect(other.has(back.id)).toBe(true);
      board.destroy();
    });
  });
});

/** A y-protocols awareness update removing `clientID` at `clock`. */
function encodeRemoval(clientID: number, clock: number): Uint8Array {
  const awareness = new Awareness(new Y.Doc());
  awareness.meta.set(clientID, { clock, lastUpdated: 0 });
  return encodeAwarenessUpdate(awareness, [clientID]);
}
