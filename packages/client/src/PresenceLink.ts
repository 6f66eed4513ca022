import {
  type ClientToServerEvents,
  GoneClocks,
  type ServerToClientEvents,
  toBytes,
} from '@drawbridge/protocol';
import type { Socket } from 'socket.io-client';
import {
  type Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * One board's presence (y-protocols awareness, PROTOCOL.md §7) over a provider's socket: sends
 * this client's own state while joined, applies the board's, and drops the others' states when
 * their removals can no longer be heard. Remote changes are applied with `origin` (the
 * provider), so they are never sent back.
 */
export class PresenceLink {
  readonly #gone: GoneClocks;

  constructor(
    private readonly boardId: string,
    private readonly awareness: Awareness,
    private readonly socket: ClientSocket,
    private readonly origin: unknown,
    private readonly isJoined: () => boolean,
  ) {
    this.#gone = new GoneClocks(awareness);
    awareness.on('update', this.#onLocal);
    socket.on('awareness:update', this.#onRemote);
  }

  detach(): void {
    this.awareness.off('update', this.#onLocal);
    this.socket.off('awareness:update', this.#onRemote);
  }

  /** A join answer's presence: every current state of the board. */
  apply(update: Uint8Array): void {
    applyAwarenessUpdate(this.awareness, update, this.origin);
  }

  /**
   * Joined: this client's own state, if it has one, for the board's other members. Set again,
   * which gives it a newer clock: when this client's last connection went, the server and the
   * others removed its state at the clock it had (PROTOCOL.md §7), and would ignore it at that
   * clock, so an idle client would stay hidden until its awareness renews it (every 15 s).
   */
  announce(): void {
    const state = this.awareness.getLocalState();
    // The update it causes is sent by `#onLocal` (joined by now).
    if (state !== null) this.awareness.setLocalState(state);
  }

  /**
   * Off the board or the connection: the others' states would go stale. Their clocks are
   * forgotten too: the next join's answer brings their states at the clocks they have now, which
   * may be the ones removed here (an idle client), and must not be ignored as old.
   */
  forgetOthers(): void {
    const others = [...this.awareness.getStates().keys()].filter(
      (id) => id !== this.awareness.clientID,
    );
    removeAwarenessStates(this.awareness, others, this.origin);
    for (const id of this.awareness.meta.keys()) {
      if (id !== this.awareness.clientID) this.awareness.meta.delete(id);
    }
  }

  readonly #onLocal = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    if (origin === this.origin || !this.isJoined()) return;
    const own = this.awareness.clientID;
    const mine = [...added, ...updated, ...removed].filter((id) => id === own);
    if (mine.length > 0) this.#send(mine);
  };

  #send(clients: number[]): void {
    this.socket.emit('awareness:update', {
      boardId: this.boardId,
      update: encodeAwarenessUpdate(this.awareness, clients),
    });
  }

  readonly #onRemote = (message: { boardId: string; update: Uint8Array }) => {
    if (message?.boardId !== this.boardId) return;
    const update = toBytes(message.update);
    if (update) applyAwarenessUpdate(this.awareness, update, this.origin);
    // A tab left open on a busy board would keep the clock of every client that came by.
    this.#gone.sweep();
  };
}
