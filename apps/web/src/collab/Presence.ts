import type { Point } from '@drawbridge/board';
import { LIMITS } from '@drawbridge/board';
import type { Awareness } from 'y-protocols/awareness';
import { Emitter } from '../util/Emitter.js';
import { MAX_NAME_LENGTH } from './identity.js';

export interface UserInfo {
  name: string;
  color: string;
}

/** The awareness state every Drawbridge client publishes. */
export interface PresenceState {
  user: UserInfo;
  /** Pointer in board coordinates; null when it is off the board. */
  cursor: Point | null;
}

export interface Peer extends PresenceState {
  clientId: number;
  self: boolean;
}

export interface PresenceOptions {
  now?: () => number;
  schedule?: (fn: () => void, ms: number) => () => void;
  /** Minimum time between cursor updates sent (about 30 per second). */
  interval?: number;
}

const COLOR = /^#[0-9a-f]{6}$/i;
const coordinate = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= LIMITS.coordinate;

/** A peer's awareness state, validated: it is remote data like any other. */
export function readPresence(state: unknown): PresenceState | null {
  if (typeof state !== 'object' || state === null) return null;
  const { user, cursor } = state as { user?: unknown; cursor?: unknown };
  if (typeof user !== 'object' || user === null) return null;
  const { name, color } = user as { name?: unknown; color?: unknown };
  if (typeof name !== 'string') return null;
  const c = cursor as { x?: unknown; y?: unknown } | null | undefined;
  return {
    user: {
      name: name.trim().slice(0, MAX_NAME_LENGTH) || 'Anonymous',
      color: typeof color === 'string' && COLOR.test(color) ? color : '#868e96',
    },
    cursor: c && coordinate(c.x) && coordinate(c.y) ? { x: c.x, y: c.y } : null,
  };
}

/**
 * Who is on the board and where their pointers are, over Yjs awareness. The local cursor is
 * sent at most every `interval` ms (the latest position wins), which keeps presence well
 * under the server's message budget however fast the mouse moves.
 */
export class Presence {
  readonly #awareness: Awareness;
  readonly #now: () => number;
  readonly #schedule: (fn: () => void, ms: number) => () => void;
  readonly #interval: number;
  readonly changed = new Emitter();
  #user: UserInfo;
  #cursor: Point | null = null;
  #lastSent = Number.NEGATIVE_INFINITY;
  #cancelTimer: (() => void) | null = null;
  #peers: Peer[] = [];

  constructor(awareness: Awareness, user: UserInfo, options: PresenceOptions = {}) {
    this.#awareness = awareness;
    this.#user = user;
    this.#now = options.now ?? (() => performance.now());
    this.#schedule =
      options.schedule ??
      ((fn, ms) => {
        const timer = setTimeout(fn, ms);
        return () => clearTimeout(timer);
      });
    this.#interval = options.interval ?? 33;
    awareness.on('change', this.#onChange);
    awareness.setLocalState({ user, cursor: null } satisfies PresenceState);
  }

  destroy(): void {
    this.#cancelTimer?.();
    this.#awareness.off('change', this.#onChange);
    // Tell the others we left, rather than letting our cursor time out on their screens.
    this.#awareness.setLocalState(null);
    this.changed.clear();
  }

  get user(): UserInfo {
    return this.#user;
  }

  /** Everyone on the board, this user first. Same array until something changes. */
  get peers(): readonly Peer[] {
    return this.#peers;
  }

  setUser(user: UserInfo): void {
    this.#user = user;
    this.#awareness.setLocalStateField('user', user);
  }

  setCursor(cursor: Point | null): void {
    this.#cursor = cursor ? { x: Math.round(cursor.x), y: Math.round(cursor.y) } : null;
    const wait = this.#lastSent + this.#interval - this.#now();
    if (wait <= 0 || cursor === null) this.#sendCursor();
    else this.#cancelTimer ??= this.#schedule(() => this.#sendCursor(), wait);
  }

  #sendCursor(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    this.#lastSent = this.#now();
    this.#awareness.setLocalStateField('cursor', this.#cursor);
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
