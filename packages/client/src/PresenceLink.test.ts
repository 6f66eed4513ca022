import { afterEach, describe, expect, it, vi } from 'vitest';
import { Awareness, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { ClientSocket } from './BoardProviderOptions.js';
import { PresenceLink } from './PresenceLink.js';

/** The part of a socket a `PresenceLink` uses: listeners, and what the server sends. */
class FakeSocket {
  readonly #listeners = new Map<string, ((message: unknown) => void)[]>();
  on(event: string, listener: (message: unknown) => void) {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
  }
  off(event: string, listener: (message: unknown) => void) {
    this.#listeners.set(
      event,
      (this.#listeners.get(event) ?? []).filter((l) => l !== listener),
    );
  }
  emit(event: string, message: unknown) {
    for (const listener of this.#listeners.get(event) ?? []) listener(message);
  }
}

afterEach(() => {
  vi.useRealTimers();
});

/** Another client of the board: its state, and its removal, as the server relays them. */
function visitor() {
  const awareness = new Awareness(new Y.Doc());
  awareness.setLocalState({ user: { name: 'visitor' } });
  const id = awareness.clientID;
  const state = () => encodeAwarenessUpdate(awareness, [id]);
  const leave = () => {
    removeAwarenessStates(awareness, [id], 'leave');
    return encodeAwarenessUpdate(awareness, [id]);
  };
  return { id, state, leave, destroy: () => awareness.destroy() };
}

describe('PresenceLink', () => {
  it('forgets the clocks of clients gone 10 minutes, in a tab that stays on the board', () => {
    vi.useFakeTimers();
    const awareness = new Awareness(new Y.Doc());
    const socket = new FakeSocket();
    const link = new PresenceLink(
      'board',
      awareness,
      socket as unknown as ClientSocket,
      'provider',
      () => true,
    );
    const relay = (update: Uint8Array) =>
      socket.emit('awareness:update', { boardId: 'board', update });
    const gone = Array.from({ length: 50 }, () => visitor());
    const first = gone[0]!.state();
    for (const v of gone) {
      relay(v.state());
      relay(v.leave());
    }
    // Older than its removal: ignored while its clock is kept.
    relay(first);
    expect(awareness.getStates().has(gone[0]!.id)).toBe(false);
    expect(awareness.getStates().size).toBe(1);
    expect(awareness.meta.size).toBe(51);

    vi.setSystemTime(Date.now() + 11 * 60_000);
    const stays = visitor();
    relay(stays.state());
    expect([...awareness.meta.keys()].sort()).toEqual([awareness.clientID, stays.id].sort());
    // The same message now: taken as new.
    relay(first);
    expect(awareness.getStates().has(gone[0]!.id)).toBe(true);

    link.detach();
    for (const v of [...gone, stays]) v.destroy();
    awareness.destroy();
  });
});
