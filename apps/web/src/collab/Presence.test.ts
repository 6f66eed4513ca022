import { describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { Presence, readPresence } from './Presence.js';

function setup() {
  const awareness = new Awareness(new Y.Doc());
  const clock = { now: 1000 };
  const timers: (() => void)[] = [];
  const presence = new Presence(
    awareness,
    { name: 'Blue Fox', color: '#0090ff' },
    {
      now: () => clock.now,
      schedule: (fn) => {
        timers.push(fn);
        return () => timers.splice(timers.indexOf(fn), 1);
      },
    },
  );
  const sentCursors: unknown[] = [];
  awareness.on('change', () => sentCursors.push(awareness.getLocalState()?.cursor));
  return { awareness, presence, clock, timers, sentCursors };
}

describe('Presence', () => {
  it('publishes the user and lists itself first', () => {
    const { awareness, presence } = setup();
    expect(awareness.getLocalState()).toEqual({
      user: { name: 'Blue Fox', color: '#0090ff' },
      cursor: null,
    });
    expect(presence.peers).toHaveLength(1);
    presence.setUser({ name: 'Alice', color: '#0090ff' });
    expect(presence.peers[0]).toMatchObject({ self: true, user: { name: 'Alice' } });
  });

  it('sends the cursor at most every interval, latest position wins', () => {
    const { presence, clock, timers, sentCursors } = setup();
    presence.setCursor({ x: 10.4, y: 20.6 });
    expect(sentCursors).toEqual([{ x: 10, y: 21 }]);
    clock.now += 5;
    presence.setCursor({ x: 11, y: 21 });
    presence.setCursor({ x: 12, y: 22 });
    expect(sentCursors).toHaveLength(1);
    expect(timers).toHaveLength(1);
    clock.now += 40;
    timers[0]!();
    expect(sentCursors).toEqual([
      { x: 10, y: 21 },
      { x: 12, y: 22 },
    ]);
    // Leaving the board is sent at once.
    presence.setCursor(null);
    expect(sentCursors.at(-1)).toBeNull();
  });

  it('clears its state on destroy', () => {
    const { awareness, presence } = setup();
    presence.destroy();
    expect(awareness.getLocalState()).toBeNull();
  });
});

describe('readPresence', () => {
  it('accepts well-formed states and cleans up doubtful fields', () => {
    expect(
      readPresence({ user: { name: '  Ann ', color: '#AABBCC' }, cursor: { x: 1, y: 2 } }),
    ).toEqual({
      user: { name: 'Ann', color: '#AABBCC' },
      cursor: { x: 1, y: 2 },
      viewport: null,
      selection: [],
      editing: null,
      laser: [],
      presenting: null,
    });
    expect(
      readPresence({
        user: { name: 'x'.repeat(100), color: 'red' },
        cursor: { x: Number.NaN, y: 0 },
      }),
    ).toMatchObject({
      user: { name: 'x'.repeat(40), color: '#868e96' },
      cursor: null,
    });
  });

  it('refuses states without a user name', () => {
    expect(readPresence(null)).toBeNull();
    expect(readPresence({ cursor: { x: 1, y: 1 } })).toBeNull();
    expect(readPresence({ user: { name: 42 } })).toBeNull();
  });
});

describe('readPresence of the newer fields', () => {
  const user = { name: 'Ann', color: '#aabbcc' };

  it('keeps valid views, selections, carets, lasers and presentations', () => {
    const state = readPresence({
      user,
      viewport: { x: -10, y: 5, w: 800, h: 600 },
      selection: ['a1', 'b2'],
      editing: {
        shapeId: 's1',
        field: 'label',
        anchor: { item: { client: 1, clock: 2 } },
        head: null,
      },
      laser: [1, 2, 30, 1, 3, 4, 10, 0],
      presenting: 'p-1',
    });
    expect(state).toMatchObject({
      viewport: { x: -10, y: 5, w: 800, h: 600 },
      selection: ['a1', 'b2'],
      editing: { shapeId: 's1', field: 'label' },
      laser: [1, 2, 30, 1, 3, 4, 10, 0],
      presenting: 'p-1',
    });
  });

  it('drops each malformed field on its own, keeping the rest', () => {
    const state = readPresence({
      user,
      cursor: { x: 1, y: 1 },
      viewport: { x: 0, y: 0, w: -5, h: 10 },
      selection: ['ok', '<bad>', 5],
      editing: { shapeId: 'x', field: 'title' },
      laser: [1, 2, 3],
      presenting: 42,
    });
    expect(state).toEqual({
      user: { name: 'Ann', color: '#aabbcc' },
      cursor: { x: 1, y: 1 },
      viewport: null,
      selection: ['ok'],
      editing: null,
      laser: [],
      presenting: null,
    });
    expect(readPresence({ user, selection: Array(500).fill('a') })?.selection).toEqual([]);
  });
});
