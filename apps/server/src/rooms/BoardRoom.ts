import {
  type AwarenessEntry,
  findMissingDependency,
  holdsPending,
  type ScannedUpdate,
} from '@drawbridge/protocol';
import * as Y from 'yjs';
import type { BoardReplica } from '../cluster/BoardReplica.js';
import { serverDoc } from '../serverDoc.js';
import type { Storage, StoredBoard } from '../storage/Storage.js';
import { AwarenessRegistry } from './AwarenessRegistry.js';
import { BoardLog } from './BoardLog.js';
import type { BoardRoomDeps } from './BoardRoomDeps.js';
import { CatchUp } from './CatchUp.js';
import { DocCapture } from './DocCapture.js';
import { applyStoredRecord, dropPendingStructs } from './docIntake.js';
import { FullState } from './FullState.js';
import { type ColdAnswer, DIRECT_LOAD_BYTES } from './loading/BoardLoader.js';
import { restoreBoard } from './loading/restoreBoard.js';
import { Outbox } from './Outbox.js';
import { bringsNothingNew } from './redundantUpdate.js';
import { StoredDamage } from './StoredDamage.js';
import type { SyncOptions, SyncState } from './SyncState.js';
import { NO_ANSWER, updateNotStored } from './storageError.js';
import { type Applied, UpdateIntake } from './UpdateIntake.js';

/** What a change integrated, its message to the other nodes (if any), whether all of it was new. */
interface Integrated {
  relay: Uint8Array;
  msg: number | undefined;
  whole: boolean;
}

type Source = 'member' | 'server' | 'storage' | 'remote';

/**
 * One board in memory on this node: its Y.Doc, its members and their awareness, its stored log
 * (`BoardLog`) and, in a cluster, its link to the other nodes holding it (`BoardReplica`).
 * Members are ids, not sockets: its `Outbox` batches their output to a `RelaySink`.
 */
export class BoardRoom {
  readonly doc: Y.Doc;
  readonly registry: AwarenessRegistry;
  readonly log: BoardLog;
  readonly #outbox: Outbox;
  readonly #catchUp: CatchUp;
  #replica: BoardReplica | null = null;
  readonly #capture: DocCapture;
  /** The whole board encoded, for joins that hold nothing yet (see `FullState`). */
  readonly #fullState: FullState;
  readonly intake: UpdateIntake;
  readonly damage: StoredDamage;
  readonly #applyStored = (update: Uint8Array, index?: number): void =>
    applyStoredRecord(this.doc, update, { logger: this.deps.logger, boardId: this.boardId, index });
  #destroyed = false;

  private constructor(
    readonly boardId: string,
    stored: Awaited<ReturnType<Storage['load']>>,
    private readonly deps: BoardRoomDeps,
  ) {
    this.doc = serverDoc(boardId);
    this.log = new BoardLog(boardId, stored, deps);
    this.damage = new StoredDamage(this, (sv) => this.#fullState.for(sv), deps.onDamageRepair);
    const loader = deps.loader;
    this.#fullState = new FullState(this.doc, loader ? (parts) => loader.coldAnswer(parts) : null);
    this.#capture = new DocCapture(this.doc, (update) => this.#fullState.changed(update));
    this.intake = new UpdateIntake(this, loader ?? null, deps.limits, deps.memory ?? null);
    this.registry = new AwarenessRegistry(
      this.doc,
      deps.limits.maxAwarenessClientsPerSocket,
      (changed, memberId) => this.#awarenessChanged(changed, memberId, memberId !== null),
    );
    this.#outbox = new Outbox(boardId, this.registry.awareness, deps.relay, deps);
    this.#catchUp = new CatchUp({
      log: this.log,
      graceMs: deps.gapGraceMs ?? 250,
      apply: (update: Uint8Array, scan?: ScannedUpdate) => {
        if (scan) this.#applyScanned(update, scan, null, 'storage');
        else this.#integrate(() => this.#applyStored(update), null, 'storage');
      },
      loader: deps.loader ?? null,
      onRead: (records) => deps.onRepaired?.(boardId, records),
      logger: deps.logger,
      boardId,
    });
  }

  /** Opens the board and waits until its document is whole. */
  static async load(boardId: string, deps: BoardRoomDeps): Promise<BoardRoom> {
    const room = await BoardRoom.open(boardId, deps);
    await room.whenReady();
    return room;
  }

  /**
   * Reads the board and returns at once; its document fills in the background (`ready`). Until
   * then, joins that hold nothing are answered from the stored bytes, the rest wait (`sync`).
   */
  static async open(boardId: string, deps: BoardRoomDeps): Promise<BoardRoom> {
    const stored = await deps.storage.load(boardId);
    // Checked here, where its size is known and the loads before it count: several large boards
    // loaded at once must not each find the room only one has.
    deps.memory?.assertRoomToLoad(stored.bytes, `board ${boardId} could not be loaded`);
    const room = new BoardRoom(boardId, stored, deps);
    // With shared storage a join must see what other nodes stored since this read: no shortcut.
    if (deps.loader && !deps.storage.shared && stored.bytes >= DIRECT_LOAD_BYTES) {
      room.#coldAnswer = deps.loader.storedAnswer(stored.updates);
      room.#coldAnswer.catch(() => undefined);
    }
    room.#stored = stored;
    // Filled only when something needs its document: a board only looked at is never decoded.
    if (!room.#coldAnswer) void room.whenReady();
    return room;
  }

  /** The stored board, until the document has been filled from it. */
  #stored: StoredBoard | null = null;
  #filling: Promise<void> | null = null;
  #loading = true;
  /** The stored board as a cold join's answer, while the document is still filling. */
  #coldAnswer: Promise<ColdAnswer | null> | null = null;

  /** True until the document holds the whole stored board. */
  get loading(): boolean {
    return this.#loading;
  }

  /** Resolves once the document holds the whole stored board (filling it now if need be). */
  whenReady(): Promise<void> {
    if (!this.#loading) return Promise.resolve();
    this.#filling ??= this.#fill();
    return this.#filling;
  }

  async #fill(): Promise<void> {
    const stored = this.#stored!;
    const state = await restoreBoard(this.doc, stored, {
      ...this.deps,
      boardId: this.boardId,
      applyStored: (update, index) => this.#applyStored(update, index),
    });
    this.#capture.listen();
    // Small, so encoded here too: later changes are kept (grown large, updated off this thread).
    this.#fullState.loaded(state);
    this.#stored = null;
    this.#loading = false;
    this.#coldAnswer = null;
  }

  /** Links the room to the other nodes (cluster mode); set once, right after load. */
  attachReplica(replica: BoardReplica): void {
    this.#replica = replica;
  }

  get awareness() {
    return this.registry.awareness;
  }

  get memberCount(): number {
    return this.registry.memberCount;
  }

  hasMember(memberId: string): boolean {
    return this.registry.hasMember(memberId);
  }

  addMember(memberId: string): void {
    this.registry.addMember(memberId);
  }

  /**
   * What a joining client with `stateVector` lacks, the board's state vector and awareness, once
   * all the board holds is stored and (shared storage) it holds all stored anywhere before this
   * call. Else (storage failed, or had not answered by `options.deadline`) it says `unstored`
   * (PROTOCOL.md §4.1) for a client that accepts it or holds nothing, or, when a read failed,
   * for a member that accepts it.
   */
  async sync(stateVector: Uint8Array, options: SyncOptions = {}): Promise<SyncState> {
    if (this.#loading) {
      const cold = await this.#coldAnswer?.catch(() => null);
      // Everything in it is stored, and nothing else is in the board yet.
      const whole =
        cold && this.#fullState.wantsWhole(stateVector, Y.decodeStateVector(cold.stateVector));
      if (whole && this.#loading) return { ...cold, awareness: this.registry.encodeAll() };
      await this.whenReady();
    }
    const { acceptUnstored, member, deadline } = options;
    const bounded = (p: Promise<void>) => deadline?.within(p, NO_ANSWER) ?? p;
    const refused = (error: unknown) => {
      if (!acceptUnstored && Y.decodeStateVector(stateVector).size > 0) throw error;
      return false;
    };
    let stored = await bounded(this.durable()).then(() => true, refused);
    if (this.deps.storage.shared) {
      await bounded(this.#catchUp.now()).catch((error: unknown) => {
        if (!(acceptUnstored && member)) throw error;
        stored = false;
      });
    }
    // Pending relays first, so a member never receives a change after a join answer that has it.
    this.#outbox.flush();
    // A joiner with nothing, or lacking much, gets the whole board, kept encoded (large ones are
    // brought up to date off the event loop); what changes meanwhile reaches it as relays.
    const { update, stateVector: boardVector } = await this.#fullState.for(stateVector);
    // Changes that came while the join waited are in the answer too: stored before it goes.
    if (stored) stored = await bounded(this.durable()).then(() => true, refused);
    const answer = { update, stateVector: boardVector, awareness: this.registry.encodeAll() };
    return stored ? answer : { ...answer, unstored: true };
  }

  /** Removes a member and its awareness states; the others are told. */
  removeMember(memberId: string): void {
    if (!this.registry.hasMember(memberId)) return;
    // Credit and activity read the member's presence, so they come before it is dropped.
    const last = this.registry.memberCount === 1;
    this.#awarenessChanged(this.registry.removeMember(memberId), null, true);
    if (last) this.deps.activity?.emptied(this);
  }

  /**
   * Applies a scanned client update: relays what the doc integrated and stores it. Throws
   * ProtocolError (board unchanged) when the update depends on content the board lacks or would
   * grow it past its limit. `durable` resolves once the change is stored. Call when
   * `intake.open`.
   */
  applyUpdate(update: Uint8Array, scan: ScannedUpdate, memberId: string | null): Applied {
    // A rejoining client's resend is mostly this: answered without decoding it into the doc.
    if (!this.intake.admit(update, scan)) return { integrated: false, durable: this.durable() };
    const integrated = memberId
      ? this.#applyScanned(update, scan, memberId, 'member')
      : this.#integrate(() => Y.applyUpdate(this.doc, update, 'server'), null, 'server');
    // Nothing new, but what it carries may still be on its way to storage from an earlier update.
    if (!integrated) return { integrated: false, durable: this.durable() };
    if (memberId) this.deps.activity?.edited(this, memberId);
    return { integrated: true, durable: this.#store(integrated) };
  }

  /** One slice of a large update (`UpdateIntake`), with its scan, as the member's change. */
  applySlice(
    slice: Uint8Array,
    scan: ScannedUpdate,
    memberId: string | null,
  ): Promise<void> | null {
    const integrated = this.#applyScanned(slice, scan, memberId, memberId ? 'member' : 'server');
    if (!integrated) return null;
    if (memberId) this.deps.activity?.edited(this, memberId);
    return this.#store(integrated);
  }

  /**
   * Stores an update the doc integrated (published as `msg`), as `durable`. Its ack says what its
   * client sent before is stored too (PROTOCOL.md §4.2): updates refused earlier are stored first,
   * and what it carried that the doc held (another node's, unconfirmed) is adopted at once, so the
   * client's next update, whose ack covers this one, is stored in the same commit or a later one.
   */
  #store({ relay, msg, whole }: Integrated): Promise<void> {
    const appended = this.log.append(relay);
    if (!whole) this.#replica?.adopt().catch(() => {}); // a failed adoption is the log's to keep
    return appended.then(
      (seq) => {
        if (msg !== undefined) this.#replica?.committed(msg, seq);
        if (!whole || this.log.holdsUnstored) return this.durable().catch(updateNotStored);
      },
      (error: unknown) => {
        if (msg !== undefined) this.#replica?.failed(msg);
        return updateNotStored(error);
      },
    );
  }

  /** Applies a member's awareness update, enforcing ownership of client ids. */
  applyAwareness(update: Uint8Array, entries: AwarenessEntry[], memberId: string): void {
    const changed = this.registry.applyLocal(update, entries, memberId);
    this.#awarenessChanged(changed, memberId, true);
  }

  /** Another node's update: applied and relayed unless it builds on content this doc lacks. */
  applyRemoteUpdate(update: Uint8Array, scan: ScannedUpdate): boolean {
    if (bringsNothingNew(scan, this.doc)) return true;
    if (findMissingDependency(scan, (client) => Y.getState(this.doc.store, client))) return false;
    this.#applyScanned(update, scan, null, 'remote');
    return true;
  }

  applyRemoteAwareness(update: Uint8Array, entries: AwarenessEntry[], nodeId: string): void {
    this.#awarenessChanged(this.registry.applyRemote(update, entries, nodeId), null, false);
  }

  /** The awareness states of this node's members, encoded (null if none): for other nodes. */
  localAwareness(): Uint8Array | null {
    return this.registry.encodeLocal();
  }

  encodeAwareness(clientIds: readonly number[]): Uint8Array {
    return this.registry.encode(clientIds);
  }

  /** Another node is gone: its members' states vanish here too. Returns how many did. */
  dropNode(nodeId: string): number {
    return this.#awarenessChanged(this.registry.dropNode(nodeId), null, false);
  }

  /** Storage holds records this doc lacks (a gap): read them soon. */
  requestCatchUp(): void {
    void this.whenReady().then(() => this.#catchUp.soon());
  }

  /** Reads what storage holds beyond this doc now. */
  async catchUpNow(): Promise<void> {
    await this.whenReady();
    return this.#catchUp.now();
  }

  /** Resolves once every update applied so far has settled in storage. */
  async flush(): Promise<void> {
    await this.damage.settled();
    return this.log.flush();
  }

  /**
   * Resolves once everything the doc holds is stored (its own appends, and remote changes never
   * confirmed stored, which it stores itself); throws if it cannot be. Joins await it (`sync`).
   */
  async durable(): Promise<void> {
    // Remote changes first: the log then waits for them too, and for any adoption in flight.
    await this.#replica?.adopt();
    await this.log.durable();
  }

  /** Flushes, compacts when the log has grown, and releases memory. The room is unusable after. */
  async unload(): Promise<void> {
    // Never filled: nothing in memory that storage lacks.
    if (this.#loading && !this.#filling) return this.destroy();
    await this.whenReady();
    this.#outbox.flush();
    this.#replica?.flush();
    await this.log.flush();
    if (this.log.recordsSinceSnapshot > 1) await this.log.compact();
    this.destroy();
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#outbox.close();
    this.#replica?.close();
    this.#catchUp.close();
    this.#fullState.close();
    this.log.close();
    this.registry.destroy();
    this.doc.destroy();
  }

  /** A scanned update the doc can integrate whole (see `DocCapture.applier`). */
  #applyScanned(
    update: Uint8Array,
    scan: ScannedUpdate,
    memberId: string | null,
    source: Source,
  ): Integrated | null {
    const { apply, whole } = this.#capture.applier(update, scan, memberId ?? source);
    return this.#integrate(apply, memberId, source, whole ? scan : undefined);
  }

  /**
   * Runs `apply` and relays what the doc integrated to the members here. A change made on this
   * node (a member's or the server's) is published to the other nodes first: their relays then
   * start while this node writes to its own members.
   */
  #integrate(
    apply: () => void,
    memberId: string | null,
    source: Source = 'member',
    /** The scan of the update when what `apply` integrated is that update as it came. */
    scan?: ScannedUpdate,
  ): Integrated | null {
    const fromClient = source === 'member';
    const hadPending = holdsPending(this.doc.store);
    const relay = this.#capture.run(() => {
      try {
        apply();
      } finally {
        if (fromClient && !hadPending) dropPendingStructs(this.doc, this.deps.logger, this.boardId);
      }
    });
    if (!relay) return null;
    const own = source === 'member' || source === 'server';
    const msg = own ? this.#replica?.published(relay, scan) : undefined;
    // Pending content this change let the board integrate is new to its sender too (FullState).
    this.#outbox.doc(relay, hadPending ? null : memberId, scan);
    return { relay, msg, whole: scan !== undefined };
  }

  #awarenessChanged(clientIds: number[], origin: string | null, local: boolean): number {
    if (clientIds.length > 0) this.#outbox.awarenessChanged(clientIds, origin);
    if (local && clientIds.length > 0) this.#replica?.awarenessChanged(clientIds);
    return clientIds.length;
  }
}
