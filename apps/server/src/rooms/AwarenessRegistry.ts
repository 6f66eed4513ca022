import { type AwarenessEntry, ErrorCode, GoneClocks, ProtocolError } from '@drawbridge/protocol';
import * as encoding from 'lib0/encoding';
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import type * as Y from 'yjs';

/** Owner key of awareness client ids claimed through another node. */
const remoteOwner = (nodeId: string) => `node:${nodeId}`;
const REMOTE_PREFIX = 'node:';
/** Longest name credited in a version. */
const MAX_NAME = 64;

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

/**
 * One board's awareness (cursors, names, selections) and who owns each awareness client id: a
 * member (socket) of this node, or another node. A member may set only the ids it owns; ids
 * owned elsewhere are refused, so no connection can impersonate another, on any node. A state
 * refused because a member of another node owns its id is kept, and applied once that node
 * lets the id go (`#claimWaiting`).
 */
export class AwarenessRegistry {
  readonly awareness: Awareness;
  /** Local member id -> the client ids it owns (null until it claims one: most never do). */
  readonly #members = new Map<string, Set<number> | null>();
  /** Client id -> owner: a local member id, or `node:<id>`. */
  readonly #owners = new Map<number, string>();
  /** Client id -> what this board adds to the clocks sent for it (see `#welcomeBack`). */
  readonly #offsets = new Map<number, number>();
  /**
   * Client id -> the latest state a member here sent for it while a member of another node
   * owned it: applied once that node lets it go (`#claimWaiting`).
   */
  readonly #waiting = new Map<number, { memberId: string; entry: AwarenessEntry }>();
  /** Forgets the clocks of ids gone 10 minutes (no state, no owner), looking on removals. */
  readonly #gone: GoneClocks;

  constructor(
    doc: Y.Doc,
    private readonly maxClientsPerMember: number,
    /**
     * States changed by the registry itself: removed because not renewed in 30 s (`memberId`
     * null), or kept for a member and applied once another node let their ids go.
     */
    private readonly changed: (clientIds: number[], memberId: string | null) => void,
  ) {
    this.awareness = new Awareness(doc);
    this.awareness.setLocalState(null);
    this.#gone = new GoneClocks(this.awareness, (id) => this.#owners.has(id));
    this.awareness.on('update', ({ removed }: AwarenessChange, origin: unknown) => {
      if (origin !== 'timeout' || removed.length === 0) return;
      for (const id of removed) this.#release(id);
      changed(removed, null);
      this.#claimWaiting();
      this.#forgetGone();
    });
  }

  addMember(memberId: string): void {
    if (!this.#members.has(memberId)) this.#members.set(memberId, null);
  }

  hasMember(memberId: string): boolean {
    return this.#members.has(memberId);
  }

  /**
   * The names a member's presence shows (`user.name` of its states; the app's awareness
   * shape), for crediting versions. Anything else in a state is ignored.
   */
  namesOf(memberId: string): string[] {
    const names = new Set<string>();
    for (const id of this.#members.get(memberId) ?? []) {
      const user = (this.awareness.getStates().get(id) as { user?: { name?: unknown } } | undefined)
        ?.user;
      const name = typeof user?.name === 'string' ? user.name.trim().slice(0, MAX_NAME) : '';
      if (name) names.add(name);
    }
    return [...names];
  }

  get memberCount(): number {
    return this.#members.size;
  }

  /** The current states (or removals) of `clientIds`, encoded; ids long forgotten are left out. */
  encode(clientIds: readonly number[]): Uint8Array {
    const { meta } = this.awareness;
    return encodeAwarenessUpdate(
      this.awareness,
      clientIds.filter((id) => meta.has(id)),
    );
  }

  /** Every state, encoded: what a joining member receives. */
  encodeAll(): Uint8Array {
    return encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]);
  }

  /** The states owned by this node's members: what this node tells another that asks. */
  encodeLocal(): Uint8Array | null {
    const ids = [...this.#owners]
      .filter(
        ([id, owner]) => !owner.startsWith(REMOTE_PREFIX) && this.awareness.getStates().has(id),
      )
      .map(([id]) => id);
    return ids.length > 0 ? encodeAwarenessUpdate(this.awareness, ids) : null;
  }

  /** Applies a member's update, enforcing ownership. Returns the client ids that changed. */
  applyLocal(update: Uint8Array, entries: AwarenessEntry[], memberId: string): number[] {
    let owned = this.#members.get(memberId);
    if (owned === undefined) {
      throw new ProtocolError(ErrorCode.NOT_JOINED, 'not a member of this board');
    }
    const claims: number[] = [];
    /** Entries for ids a member of another node owns. */
    const held: AwarenessEntry[] = [];
    for (const entry of entries) {
      const owner = this.#owners.get(entry.clientID);
      if (owner === undefined) claims.push(entry.clientID);
      else if (owner.startsWith(REMOTE_PREFIX)) held.push(entry);
      else if (owner !== memberId) {
        throw new ProtocolError(
          ErrorCode.FORBIDDEN,
          `awareness client ${entry.clientID} belongs to another connection`,
        );
      }
    }
    if (held.length > 0) {
      // Refused, as any id owned elsewhere; but a client that moved here from a node that died
      // or restarted before the others knew gets its id back once they do (`#claimWaiting`).
      for (const entry of held) this.#waiting.set(entry.clientID, { memberId, entry });
      throw new ProtocolError(
        ErrorCode.FORBIDDEN,
        `awareness client ${held[0]!.clientID} belongs to a connection on another node`,
      );
    }
    if ((owned?.size ?? 0) + claims.length > this.maxClientsPerMember) {
      throw new ProtocolError(
        ErrorCode.FORBIDDEN,
        `a connection may own at most ${this.maxClientsPerMember} awareness clients per board`,
      );
    }
    if (claims.length > 0 && !owned) {
      owned = new Set();
      this.#members.set(memberId, owned);
    }
    for (const id of claims) {
      owned?.add(id);
      this.#owners.set(id, memberId);
    }
    return this.#apply(this.#welcomeBack(update, entries), memberId);
  }

  /** Applies the waiting states whose ids no other node owns any more (`onClaimed`). */
  #claimWaiting(): void {
    for (const [id, { memberId, entry }] of this.#waiting) {
      const owner = this.#owners.get(id);
      if (owner?.startsWith(REMOTE_PREFIX)) continue;
      this.#waiting.delete(id);
      // Taken by another member of this node meanwhile, or its member left.
      if ((owner !== undefined && owner !== memberId) || !this.#members.has(memberId)) continue;
      try {
        const changed = this.applyLocal(encodeEntries([entry]), [entry], memberId);
        if (changed.length > 0) this.changed(changed, memberId);
      } catch (error) {
        // At its limit of ids now: as if refused when it sent it.
        if (!(error instanceof ProtocolError)) throw error;
      }
    }
  }

  /**
   * Applies states another node accepted from its members. Entries for ids a member of this node
   * owns are left out (the other node was told by an impostor or raced us); the rest become
   * owned by that node. Returns the client ids that changed.
   */
  applyRemote(update: Uint8Array, entries: AwarenessEntry[], nodeId: string): number[] {
    const owner = remoteOwner(nodeId);
    const contested = entries.some(({ clientID }) => {
      const current = this.#owners.get(clientID);
      return current !== undefined && !current.startsWith(REMOTE_PREFIX);
    });
    if (contested) return [];
    for (const { clientID, state } of entries) {
      if (state === null) this.#owners.delete(clientID);
      else this.#owners.set(clientID, owner);
    }
    const changed = this.#apply(this.#welcomeBack(update, entries), owner);
    this.#claimWaiting();
    return changed;
  }

  /**
   * `update`, in this board's clocks. A removal keeps the state's clock, and y-protocols ignores
   * the same clock after it: a client whose connection went, back on a new one, or a node's
   * members after the others dropped it as silent (a Redis outage, a stall) and it answers their
   * query, would stay hidden until the state changes or its awareness renews it (every 15 s). So
   * a state that comes back at the clock it was removed at is taken one clock newer, here and
   * for every member and node this one relays it to (they all saw the removal), and from then on
   * every clock its owner sends for that id is counted one higher here (`#offsets`): its next
   * change is newer, not a repeat of the clock this board gave it. `BoardProvider` sends its
   * state at a newer clock on every rejoin; other clients need not.
   */
  #welcomeBack(update: Uint8Array, entries: AwarenessEntry[]): Uint8Array {
    const { meta, states } = this.awareness;
    let rewritten = false;
    const clocks = entries.map(({ clientID, clock, state }) => {
      const offset = this.#offsets.get(clientID) ?? 0;
      let ours = clock + offset;
      if (state !== null && !states.has(clientID) && meta.get(clientID)?.clock === ours) {
        ours++;
        this.#offsets.set(clientID, offset + 1);
      }
      if (ours !== clock) rewritten = true;
      return ours;
    });
    return rewritten ? encodeEntries(entries, clocks) : update;
  }

  /** Removes a member and its states. Returns the client ids removed. */
  removeMember(memberId: string): number[] {
    const owned = this.#members.get(memberId);
    this.#members.delete(memberId);
    for (const [id, waiting] of this.#waiting)
      if (waiting.memberId === memberId) this.#waiting.delete(id);
    this.#forgetGone();
    if (!owned) return [];
    return this.#remove([...owned]);
  }

  /** Removes every state owned through `nodeId` (it left or died). Returns the ids removed. */
  dropNode(nodeId: string): number[] {
    const owner = remoteOwner(nodeId);
    const ids = [...this.#owners].filter(([, o]) => o === owner).map(([id]) => id);
    const removed = this.#remove(ids);
    this.#claimWaiting();
    this.#forgetGone();
    return removed;
  }

  /** How many client ids the board keeps a clock for (those present, and those gone lately). */
  get clocksKept(): number {
    return this.awareness.meta.size;
  }

  /** Forgets the clocks of ids long gone, if it is time to look (`GoneClocks`). */
  #forgetGone(): void {
    for (const id of this.#gone.sweep()) this.#offsets.delete(id);
  }

  destroy(): void {
    this.awareness.destroy();
  }

  #remove(ids: number[]): number[] {
    for (const id of ids) this.#release(id);
    const present = ids.filter((id) => this.awareness.getStates().has(id));
    if (present.length > 0) removeAwarenessStates(this.awareness, present, 'leave');
    return present;
  }

  #apply(update: Uint8Array, origin: string): number[] {
    let changed: number[] = [];
    const listener = ({ added, updated, removed }: AwarenessChange, from: unknown) => {
      if (from === origin) changed = [...added, ...updated, ...removed];
    };
    this.awareness.on('update', listener);
    try {
      applyAwarenessUpdate(this.awareness, update, origin);
    } finally {
      this.awareness.off('update', listener);
    }
    return changed;
  }

  #release(clientID: number): void {
    const owner = this.#owners.get(clientID);
    if (owner === undefined) return;
    this.#owners.delete(clientID);
    this.#members.get(owner)?.delete(clientID);
  }
}

/** A y-protocols awareness update of `entries`, at `clocks` (default: their own). */
function encodeEntries(entries: AwarenessEntry[], clocks?: number[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  entries.forEach(({ clientID, clock, state }, i) => {
    encoding.writeVarUint(encoder, clientID);
    encoding.writeVarUint(encoder, clocks?.[i] ?? clock);
    encoding.writeVarString(encoder, JSON.stringify(state));
  });
  return encoding.toUint8Array(encoder);
}
