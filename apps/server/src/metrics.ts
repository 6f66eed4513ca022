import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { collectProcessMetrics } from './processMetrics.js';
import type { StorageWaiting } from './storage/GroupCommitQueue.js';

/** The server's Prometheus metrics, on a registry of its own (never the global one). */
export class Metrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({
    name: 'drawbridge_connections',
    help: 'Open Socket.IO connections',
    registers: [this.registry],
  });
  readonly boardsLoaded = new Gauge({
    name: 'drawbridge_boards_loaded',
    help: 'Boards held in memory',
    registers: [this.registry],
  });
  #boardMemory: { readonly used: number; readonly budget: number } | null = null;
  readonly boardsLoadedBytes = new Gauge({
    name: 'drawbridge_boards_loaded_bytes',
    help: 'Stored size of the boards held in memory, and its budget (MAX_LOADED_BOARD_BYTES)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
    collect: () => {
      const memory = this.#boardMemory;
      if (!memory) return;
      this.boardsLoadedBytes.set({ kind: 'used' }, memory.used);
      this.boardsLoadedBytes.set({ kind: 'budget' }, memory.budget);
    },
  });
  #unstored: (() => { boards: number; bytes: number }) | null = null;
  readonly unstored = new Gauge({
    name: 'drawbridge_unstored',
    help: 'Edits this node holds live that storage has not stored yet (a full disk, storage down): the boards holding any, and their bytes',
    labelNames: ['kind'] as const,
    registers: [this.registry],
    collect: () => {
      const unstored = this.#unstored?.();
      if (!unstored) return;
      this.unstored.set({ kind: 'boards' }, unstored.boards);
      this.unstored.set({ kind: 'bytes' }, unstored.bytes);
    },
  });
  #storage: { waiting?(): StorageWaiting } | null = null;
  readonly storageWaiting = new Gauge({
    name: 'drawbridge_storage_waiting',
    help: 'Appends not stored yet (queued, or in the commit in flight): records and bytes',
    labelNames: ['kind'] as const,
    registers: [this.registry],
    collect: () => this.#collectWaiting(),
  });
  readonly storageCommitAge = new Gauge({
    name: 'drawbridge_storage_commit_age_seconds',
    help: 'How long the commit in flight has run (0 when none): it grows while storage hangs',
    registers: [this.registry],
    collect: () => this.#collectWaiting(),
  });
  /**
   * Inbound messages and bytes, counted in plain numbers (`countIn`) and handed to their counters
   * when those collect (a scrape): prom-client's `inc` hashes and validates labels on every call,
   * 1.9% of the event loop's busy time in the fan-out burst for one count per update.
   */
  readonly #pendingIn = { 'doc:update': 0, 'awareness:update': 0, bytes: 0 };
  readonly updatesIn = new Counter({
    name: 'drawbridge_updates_in_total',
    help: 'Messages received, by event',
    labelNames: ['event'] as const,
    registers: [this.registry],
    collect: () => {
      const pending = this.#pendingIn;
      for (const event of ['doc:update', 'awareness:update'] as const) {
        if (pending[event] > 0) this.updatesIn.inc({ event }, pending[event]);
        pending[event] = 0;
      }
    },
  });
  readonly updatesOut = new Counter({
    name: 'drawbridge_updates_out_total',
    help: 'Messages relayed to board members, by event (one per recipient socket on this node)',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });
  readonly bytesIn = new Counter({
    name: 'drawbridge_bytes_in_total',
    help: 'Yjs and awareness bytes received',
    registers: [this.registry],
    collect: () => {
      if (this.#pendingIn.bytes > 0) this.bytesIn.inc(this.#pendingIn.bytes);
      this.#pendingIn.bytes = 0;
    },
  });
  readonly bytesOut = new Counter({
    name: 'drawbridge_bytes_out_total',
    help: 'Yjs and awareness bytes sent (join diffs and relays, per recipient)',
    registers: [this.registry],
  });
  readonly commitSeconds = new Histogram({
    name: 'drawbridge_storage_commit_seconds',
    help: 'Duration of one storage commit (a group of appended updates)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly commitRecords = new Histogram({
    name: 'drawbridge_storage_commit_records',
    help: 'Updates per storage commit (group commit batch size)',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 1000],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'drawbridge_errors_total',
    help: 'Requests refused or failed, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly corruptRecords = new Counter({
    name: 'drawbridge_storage_corrupt_records_total',
    help: 'Stored records skipped on load because their checksum did not match',
    registers: [this.registry],
  });

  readonly clusterMessages = new Counter({
    name: 'drawbridge_cluster_messages_total',
    help: 'Messages between nodes over the bus, by direction (in, out) and type',
    labelNames: ['direction', 'type'] as const,
    registers: [this.registry],
  });
  readonly clusterBytes = new Counter({
    name: 'drawbridge_cluster_bytes_total',
    help: 'Bytes of messages between nodes, by direction (in, out)',
    labelNames: ['direction'] as const,
    registers: [this.registry],
  });
  readonly redisPublishSeconds = new Histogram({
    name: 'drawbridge_redis_publish_seconds',
    help: 'Round trip of one publish to Redis',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1],
    registers: [this.registry],
  });
  readonly storageQuerySeconds = new Histogram({
    name: 'drawbridge_storage_query_seconds',
    help: 'Round trip of one storage operation, by operation (commit, read, heads, compact)',
    labelNames: ['op'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });
  readonly gapsRepaired = new Counter({
    name: 'drawbridge_cluster_gaps_repaired_total',
    help: 'Catch-ups that read records this node had missed (lost messages, outages, late joins)',
    registers: [this.registry],
  });
  readonly recordsRepaired = new Counter({
    name: 'drawbridge_cluster_records_repaired_total',
    help: 'Records (or snapshots) read from storage by catch-ups',
    registers: [this.registry],
  });
  readonly damageRepairs = new Counter({
    name: 'drawbridge_storage_damage_repairs_total',
    help: 'Repairs of what damaged stored records held: asked of the other nodes, or stored here',
    labelNames: ['step'] as const,
    registers: [this.registry],
  });
  readonly adoptedUpdates = new Counter({
    name: 'drawbridge_cluster_adopted_updates_total',
    help: "Other nodes' updates this node stored itself (their node died or never confirmed them)",
    registers: [this.registry],
  });
  readonly lockContended = new Counter({
    name: 'drawbridge_storage_lock_contended_total',
    help: 'Compactions skipped because another node held the board’s advisory lock',
    registers: [this.registry],
  });
  readonly nodesAlive = new Gauge({
    name: 'drawbridge_cluster_nodes_alive',
    help: 'Other nodes this node hears (heartbeats)',
    registers: [this.registry],
  });
  readonly configMismatches = new Gauge({
    name: 'drawbridge_cluster_config_mismatches',
    help: "Other nodes whose AUTH_SECRET, ADMIN_TOKEN or PUBLIC_URL differs from this node's",
    registers: [this.registry],
  });
  readonly nodeIdConflict = new Gauge({
    name: 'drawbridge_cluster_node_id_conflict',
    help: "1 while another live node holds this node's NODE_ID (see NodeIdClaim), else 0",
    registers: [this.registry],
  });

  /** `gcDurations`: also a histogram of garbage collections, at a cost (`processMetrics.ts`). */
  constructor(options: { gcDurations?: boolean } = {}) {
    collectProcessMetrics(this.registry, {
      prefix: 'drawbridge_',
      gcDurations: options.gcDurations ?? false,
    });
  }

  /** Reports the loaded boards' size and budget (`BoardMemory`) at every scrape. */
  trackBoardMemory(memory: { readonly used: number; readonly budget: number }): void {
    this.#boardMemory = memory;
  }

  /** Reports what waits to be stored (`Storage.waiting`, when it tells) at every scrape. */
  trackStorageWaiting(storage: { waiting?(): StorageWaiting }): void {
    this.#storage = storage;
  }

  #collectWaiting(): void {
    const waiting = this.#storage?.waiting?.();
    if (!waiting) return;
    this.storageWaiting.set({ kind: 'records' }, waiting.records);
    this.storageWaiting.set({ kind: 'bytes' }, waiting.bytes);
    this.storageCommitAge.set(waiting.commitMs / 1000);
  }

  /** Reports what the loaded boards hold unstored (`RoomManager.unstored`) at every scrape. */
  trackUnstored(unstored: () => { boards: number; bytes: number }): void {
    this.#unstored = unstored;
  }

  /** One inbound message of `event` (its payload's bytes, once validated: `countBytesIn`). */
  countIn(event: 'doc:update' | 'awareness:update'): void {
    this.#pendingIn[event]++;
  }

  countBytesIn(bytes: number): void {
    this.#pendingIn.bytes += bytes;
  }
}
