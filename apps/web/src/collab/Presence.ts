import type { Bounds, Point } from '@drawbridge/board';
import type { Awareness } from 'y-protocols/awareness';
import { Emitter } from '../util/Emitter.js';
import {
  type EditingCaret,
  MAX_SELECTION,
  type PresenceState,
  readPresence,
  type UserInfo,
} from './presenceState.js';
import { type Clock, Throttled } from './Throttled.js';

export { type PresenceState, readPresence, type UserInfo };

export interface Peer extends PresenceState {
  clientId: number;
  self: boolean;
}

export interface PresenceOptions {
  now?: () => number;
  schedule?: (fn: () => void, ms: number) => () => void;
  /** Minimum time between cursor (and laser) updates sent (about 30 per second). */
  interval?: number;
  /** Minimum time between viewport updates sent. */
  viewportInterval?: number;
}

const round = (n: number): number => Math.round(n);

/**
 * Who is on the board and what they do there, over Yjs awareness: their pointer, view (for
 * following), selection, caret in a text, laser trail and whether they present. Fast-changing
 * fields are throttled (the latest value wins), which keeps presence well under the server's
 * message budget however fast the mouse moves.
 */
export class Presence {
  readonly #awareness: Awareness;
  readonly changed = new Emitter();
  #user: UserInfo;
  #peers: Peer[] = [];
  readonly #cursor: Throttled<Point | null>;
  readonly #viewport: Throttled<Bounds | null>;
  readonly #laser: Throttled<number[]>;

  constructor(awareness: Awareness, user: UserInfo, options: PresenceOptions = {}) {
    this.#awareness = awareness;
    this.#user = user;
    const clock: Clock = {
      now: options.now ?? (() => performance.now()),
      schedule:
        options.schedule ??
        ((fn, ms) => {
          const timer = setTimeout(fn, ms);
          return () => clearTimeout(timer);
        }),
    };
    const interval = options.interval ?? 33;
    const field =
      <T>(name: string) =>
      (value: T) =>
        this.#awareness.setLocalStateField(name, value);
    this.#cursor = new Throttled(field<Point | null>('cursor'), interval, clock);
    this.#viewport = new Throttled(
      field<Bounds | null>('viewport'),
      options.viewportInterval ?? 80,
      clock,
    );
    this.#laser = new Throttled(field<number[]>('laser'), interval, clock);
    awareness.on('change', this.#onChange);
    awareness.setLocalState({ user, cursor: null });
  }

  destroy(): void {
    for (const field of [this.#cursor, this.#viewport, this.#laser]) field.cancel();
    this.#awareness.off('change', this.#onChange);
    // Tell the others we left, rather than letting our cursor time out on their screens.
    this.#awareness.setLocalState(null);
    this.changed.clear();
  }

  get user(): UserInfo {
    return this.#user;
  }

  get clientId(): number {
    return this.#awareness.clientID;
  }

  /** Everyone on the board, this user first. Same array until something changes. */
  get peers(): readonly Peer[] {
    return this.#peers;
  }

  /** This user as the others see it. */
  get self(): Peer | undefined {
    return this.#peers.find((peer) => peer.self);
  }

  setUser(user: UserInfo): void {
    this.#user = user;
    this.#awareness.setLocalStateField('user', user);
  }

  setCursor(cursor: Point | null): void {
    const value = cursor ? { x: round(cursor.x), y: round(cursor.y) } : null;
    // Leaving the board is sent at once.
    this.#cursor.set(value, value === null);
  }

  setViewport(view: Bounds): void {
    this.#viewport.set({ x: round(view.x), y: round(view.y), w: round(view.w), h: round(view.h) });
  }

  setSelection(ids: readonly string[]): void {
    this.#awareness.setLocalStateField('selection', ids.slice(0, MAX_SELECTION));
  }

  setEditing(editing: EditingCaret | null): void {
    this.#awareness.setLocalStateField('editing', editing);
  }

  /** The laser trail, flat [x, y, age ms, starts a stroke (0|1), ...]. */
  setLaser(points: number[]): void {
    this.#laser.set(points, points.length === 0);
  }

  setPresenting(id: string | null): void {
    this.#awareness.setLocalStateField('presenting', id);
  }

  readonly #onChange = () => {
    const self = this.#awareness.clientID;
    const peers: Peer[] = [];
    for (const [clientId, state] of this.#awareness.getStates()) {
      const presence = readPresence(state);
      if (presence) peers.push({ ...presence, clientId, self: clientId === self });
    }
    peers.sort((a, b) => Number(b.self) - Number(a.self) || a.user.name.localeCompare(b.user.name));
    this.#peers = peers;
    this.changed.emit();
  };
}
