/**
 * The world of the sync fuzz test: cluster nodes (RoomManager + ClusterNode over a FuzzNetwork
 * and one shared MemoryStorage) and clients that edit, join, get cut off and rejoin anywhere.
 * Every message between them waits in a queue until the test's schedule delivers it.
 */
import { DEFAULT_LIMITS, scanUpdate, withoutPending } from '@drawbridge/protocol';
import * as Y from 'yjs';
import { type Clock, systemClock } from '../../clock.js';
import { silentLogger } from '../../logger.js';
import type { RelaySink } from '../../rooms/Outbox.js';
import { RoomManager } from '../../rooms/RoomManager.js';
import type { SyncState } from '../../rooms/SyncState.js';
import type { MemoryStorage } from '../../storage/MemoryStorage.js';
import { ClusterNode } from '../ClusterNode.js';
import type { NoticeTimer } from '../noticeTimer.js';
import type { FuzzBus, FuzzNetwork } from './FuzzNetwork.js';
import { claimOf, type StoredClaims } from './StoredClaims.js';

export const BOARD = 'fuzz';
const NEVER = 2 ** 30;

export interface FuzzNode {
  id: string;
  bus: FuzzBus;
  rooms: RoomManager;
  cluster: ClusterNode;
  /** This node's storage connection is down while set (PostgreSQL stopped, a partition). */
  outage: Outage;
  /** Crashed or left: its clients were cut, and nothing more reaches it. */
  gone: boolean;
}

export class FuzzClient {
  readonly doc = new Y.Doc();
  node: FuzzNode | null = null;
  memberId = '';
  joined = false;
  /** Client -> server, in order, until the connection is cut. */
  toServer: Uint8Array[] = [];
  /** Server -> client relays, in order, until the connection is cut. */
  toClient: Uint8Array[] = [];
  /** Where what this client is told is stored gets checked (none: unchecked). */
  claims: StoredClaims | null = null;
  /** What this connection sent that an ack covers (PROTOCOL.md §4.2), in order. */
  #sent: Uint8Array[] = [];
  #connections = 0;

  /**
   * `clientId`: the doc's Yjs client id (from the run's seed, so a run replays exactly).
   * `acceptUnstored`: its joins accept an answer while storage refuses (as `BoardProvider`'s).
   */
  constructor(
    readonly name: string,
    clientId?: number,
    readonly acceptUnstored = false,
  ) {
    if (clientId !== undefined) this.doc.clientID = clientId;
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'server' && this.joined) this.toServer.push(update);
    });
  }

  /**
   * Joins the board on `node`; resolves once the join answer and the answer's diff are sent. A
   * join the node could not answer because it crashed or left meanwhile, or its storage was
   * down, ends with the client cut; any other failure throws.
   */
  async join(node: FuzzNode): Promise<void> {
    this.cut();
    this.node = node;
    this.memberId = `${this.name}#${++this.#connections}`;
    const memberId = this.memberId;
    let state: SyncState;
    try {
      const room = await node.rooms.acquire(BOARD);
      room.addMember(memberId);
      state = await room.sync(Y.encodeStateVector(this.doc), {
        acceptUnstored: this.acceptUnstored,
      });
    } catch (error) {
      if (!node.gone && !causedByOutage(error)) throw error;
      if (this.memberId === memberId) this.cut(); // it retries later
      return;
    }
    if (this.memberId !== memberId || node.gone) return; // cut while joining
    if (!state.unstored) {
      // Stored, the answer says: everything its state vector covers (PROTOCOL.md §4.1).
      const structs = [...Y.decodeStateVector(state.stateVector)]
        .filter(([, len]) => len > 0)
        .map(([client, len]) => ({ client, clock: 0, len }));
      this.claims?.check(`${this.name} join on ${node.id}`, { structs, deletes: [] });
    }
    Y.applyUpdate(this.doc, state.update, 'server');
    this.joined = true;
    // As BoardProvider's join diff: without what the doc holds pending.
    const diff = withoutPending(this.doc.store, () =>
      Y.encodeStateAsUpdate(this.doc, state.stateVector),
    );
    this.toServer.push(diff);
  }

  /**
   * The connection drops: everything in flight either way is lost. A live node notices, and
   * releases the board once nobody is on it, as the server's disconnect handler does.
   */
  cut(): void {
    if (this.node && this.memberId && !this.node.gone) {
      const room = this.node.rooms.get(BOARD);
      room?.removeMember(this.memberId);
      this.node.rooms.releaseIfIdle(BOARD);
    }
    this.joined = false;
    this.memberId = '';
    this.toServer = [];
    this.toClient = [];
    this.#sent = [];
  }

  /** Delivers the oldest client message to the server; a refusal means a rejoin is needed. */
  async sendOne(): Promise<'sent' | 'refused' | 'none'> {
    const update = this.toServer.shift();
    const node = this.node;
    const room = node?.rooms.get(BOARD);
    if (!update || !node || !room || !this.joined || node.gone) return 'none';
    const memberId = this.memberId;
    let durable: Promise<void>;
    try {
      durable = room.applyUpdate(update, scanUpdate(update), memberId).durable;
    } catch {
      return 'refused'; // not applied: no later ack covers it
    }
    this.#sent.push(update);
    const covers = [...this.#sent];
    try {
      await durable;
    } catch {
      return 'refused';
    }
    // The ack reaches the client on the same connection only. It says this update and every
    // one the connection sent before are stored.
    if (this.memberId === memberId && !node.gone) {
      for (const sent of covers)
        this.claims?.check(`${this.name} ack on ${node.id}`, claimOf(sent));
    }
    return 'sent';
  }

  receiveOne(): void {
    const update = this.toClient.shift();
    if (update) Y.applyUpdate(this.doc, update, 'server');
  }
}

/** Routes one node's relays to its joined clients' queues. */
function sinkFor(clients: () => FuzzClient[], node: () => FuzzNode): RelaySink {
  return {
    doc: (_boardId, update, except) => {
      for (const client of clients()) {
        if (client.node === node() && client.joined && client.memberId !== except) {
          client.toClient.push(update.slice());
        }
      }
    },
    awareness: () => {},
  };
}

/** The message of every error an outage causes. */
const OUTAGE = 'storage is down (fuzz outage)';

/** A node's storage outage: while `down`, its reads and writes fail. */
export class Outage {
  down = false;

  /**
   * `storage` failing during outages. An append may still commit before it fails (the answer
   * was lost, as a commit's can be when the connection drops) when `committedAnyway` says so.
   */
  wrap(storage: MemoryStorage, committedAnyway: () => boolean): MemoryStorage {
    const failing = new Set<PropertyKey>(['load', 'readSince', 'headSeqs', 'append', 'compact']);
    return new Proxy(storage, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        const method = value.bind(target) as (...args: unknown[]) => Promise<unknown>;
        if (!failing.has(prop)) return method;
        return async (...args: unknown[]) => {
          if (!this.down) return method(...args);
          if (prop === 'append' && committedAnyway()) await method(...args);
          throw new Error(OUTAGE);
        };
      },
    });
  }
}

/** Whether `error` (or one of its causes) came from an outage: expected, and retried later. */
export function causedByOutage(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) if (e.message === OUTAGE) return true;
  return false;
}

export function createNode(
  id: string,
  network: FuzzNetwork,
  handle: MemoryStorage,
  clients: () => FuzzClient[],
  noticeTimer: NoticeTimer,
  committedAnyway: () => boolean = () => false,
  /** The cluster side's clock (how long remote updates have waited for their notice). */
  clock: Clock = systemClock,
): FuzzNode {
  const outage = new Outage();
  const storage = outage.wrap(handle, committedAnyway);
  const bus = network.bus(id);
  const cluster = new ClusterNode({ bus, clock, logger: silentLogger, noticeTimer });
  const node: FuzzNode = {
    id,
    bus,
    cluster,
    outage,
    gone: false,
    rooms: new RoomManager({
      storage,
      logger: silentLogger,
      limits: { ...DEFAULT_LIMITS },
      compactEvery: 25,
      compactQuietMs: 0, // compactions interleave with appends, the harder case
      clock: systemClock,
      relay: sinkFor(clients, () => node),
      cluster,
      idleUnloadMs: NEVER,
      gapCheckMs: NEVER,
      gapGraceMs: NEVER,
    }),
  };
  return node;
}

/**
 * The node's process dies (kill -9): its clients' connections drop unnoticed, nothing more
 * reaches it or leaves it, and its rooms stop where they are (appends already handed to storage
 * may still commit, as a commit in flight may). What it published is still on its way. Later,
 * `FuzzNetwork.announceGone` tells the others, as their heartbeat check would.
 */
export function crash(node: FuzzNode, clients: readonly FuzzClient[]): void {
  node.gone = true;
  for (const client of clients) if (client.node === node) client.cut();
  node.bus.closed = true;
  for (const room of node.rooms.loaded()) room.destroy();
}

/**
 * The node leaves on SIGTERM: its clients are told to go, its boards are flushed, compacted and
 * unloaded, and it says goodbye on the bus. Resolves once it is out.
 */
export async function leave(node: FuzzNode, clients: readonly FuzzClient[]): Promise<void> {
  for (const client of clients) if (client.node === node) client.cut();
  node.gone = true;
  await node.rooms.close();
  await node.cluster.close();
}
