/**
 * The storage worker thread: owns the SQLite connection so that commits (fsync), compactions,
 * versions and image bytes never run on the server's event loop. Spoken to by `SqliteStorage`,
 * `SqliteAssets` and `SqliteVersions`. Started `readonly`, it is the reader beside it: whole
 * boards (cold loads, and what compactions and versions are built from) are read there, on a
 * connection of its own, so a large read never holds the commits every ack waits on.
 */
import { workerData } from 'node:worker_threads';
import { pack, transferOf } from '../../workers/packing.js';
import { emitRpcEvent, ownBytes, serveRpc, Transfer } from '../../workers/serveRpc.js';
import type { NewAsset, StoredAsset } from '../AssetStore.js';
import type { NewLink } from '../Catalog.js';
import { type MovedBatch, receivedBatch } from '../GroupCommitQueue.js';
import type { TakeOptions } from '../VersionStore.js';
import { type PartsAsset, SqliteAssetTables } from './assetTables.js';
import { SqliteCatalog } from './SqliteCatalog.js';
import { SqliteLog, type SqliteLogOptions } from './SqliteLog.js';
import type { SnapshotContent } from './snapshotParts.js';
import { SqliteVersionTables, type WrittenContent } from './versionTables.js';

const options = workerData as Omit<SqliteLogOptions, 'onCorrupt'>;
// Both run at the event loop's priority: every ack waits on the writer's commits, and a joiner
// on the reader. The writer was niced (5) to spare the event loop the CPU its wake-ups took, but
// when the machine is busy a niced commit thread is the one left waiting for a core: under a
// flood (5,000 pipelined updates, 10 other boards doing round trips) commits of a few dozen
// records took 7-20 ms from queue to answer, each other board's ack waiting for one or two of
// them. pnpm bench --only=flood --servers=drawbridge --rounds=3, alternated twice: other boards'
// round trip p99 59, 53, 44, 46, 43, 41 ms niced -> 42, 37, 37, 37, 29, 44 ms not; mixed load's
// edited boards' round trips 34, 31, 36, 26 -> 25, 21, 32, 28 ms; paced latency p99 unchanged
// (2.6-4.1 ms -> 2.2-4.3 ms, Hocuspocus 2.2-4.1 ms in the same runs).
const log = new SqliteLog({
  ...options,
  onCorrupt: ({ kind, boardId, seq, reason }) =>
    emitRpcEvent('corrupt', { kind, boardId, seq, reason }),
});
const assets = new SqliteAssetTables(log.database, (boardId, assetId) =>
  emitRpcEvent('damagedAsset', { boardId, assetId }),
);
const versions = new SqliteVersionTables(log.database, (boardId) => log.readSince(boardId, 0));

/** Moves the assets' bytes to the caller instead of copying them. */
function moveAssets(list: StoredAsset[]): Transfer<StoredAsset[]> {
  const moved = list.map((asset) => ({ ...asset, data: ownBytes(asset.data) }));
  return new Transfer(
    moved,
    moved.map((asset) => asset.data.buffer as ArrayBuffer),
  );
}

const catalog = new SqliteCatalog(log.database);

serveRpc({
  commit: (batch: MovedBatch) => log.commit(receivedBatch(batch)),
  // The records go out as one moved buffer: one copy here instead of two (clone, then receive).
  readSince: (boardId: string, afterSeq: number) => {
    const { updates, ...rest } = log.readSince(boardId, afterSeq);
    const packed = pack(updates);
    return new Transfer({ ...rest, updates: packed }, transferOf(packed));
  },
  headSeqs: (boardIds: string[]) => log.headSeqs(boardIds),
  // The records go out as one buffer, moved: the event loop only hands it on to the builder.
  compactionInput: (boardId: string, minRecords: number) => {
    const input = log.compactionInput(boardId, minRecords);
    if ('skip' in input) return input;
    const parts = pack(input.parts);
    return new Transfer({ ...input, parts }, transferOf(parts));
  },
  replaceSnapshot: (
    boardId: string,
    expected: number,
    throughSeq: number,
    content: SnapshotContent,
  ) => log.replaceSnapshot(boardId, expected, throughSeq, content),
  // A large snapshot arrives part by part: commits queued meanwhile go between the parts.
  writeSnapshotPart: (boardId: string, token: string, idx: number, data: Uint8Array, crc: number) =>
    log.writeSnapshotPart(boardId, token, idx, data, crc),
  dropSnapshotParts: (boardId: string, token: string, limit: number) =>
    log.dropSnapshotParts(boardId, token, limit),
  orphanSnapshotParts: (boardId: string, now: number) => log.orphanSnapshotParts(boardId, now),
  // On the reader: a look at every board's parts, which must not hold the commits.
  strayParts: (now: number, limit: number) => ({
    snapshots: log.straySnapshotParts(now, limit),
    versions: versions.parts.strays(now, limit),
  }),
  stats: (boardId: string) => log.stats(boardId),
  recordLink: (link: NewLink) => catalog.recordLink(link),
  listLinks: (scope: string) => catalog.listLinks(scope),
  revokeLink: (scope: string, linkId: string, at: number) => catalog.revokeLink(scope, linkId, at),
  revokeAll: (scope: string, at: number) => catalog.revokeAll(scope, at),
  linkState: (scope: string, linkId: string) => catalog.linkState(scope, linkId),
  revokedSince: (since: number) => catalog.revokedSince(since),
  listBoards: () => catalog.listBoards(),
  deleteBoard: (boardId: string, at: number) => catalog.deleteBoard(boardId, at),
  setName: (boardId: string, name: string) => catalog.setName(boardId, name),
  ping: () => true,
  close: () => log.close(),

  assetPut: (boardId: string, asset: NewAsset, maxBoardBytes: number, now: number) =>
    assets.put(boardId, asset, maxBoardBytes, now),
  // A large asset: checked, then written part by part (commits go between the parts), then linked.
  assetPrecheck: (boardId: string, assetId: string, bytes: number, maxBoardBytes: number) =>
    assets.precheck(boardId, assetId, bytes, maxBoardBytes),
  assetWritePart: (token: string, idx: number, data: Uint8Array) =>
    assets.parts.write(token, idx, data),
  assetPutParts: (boardId: string, asset: PartsAsset, maxBoardBytes: number, now: number) =>
    assets.putParts(boardId, asset, maxBoardBytes, now),
  assetDropParts: (token: string, limit: number) => assets.parts.drop(token, limit),
  assetOrphanParts: (now: number) => assets.parts.orphans(now),
  assetGet: (boardId: string, assetId: string) => {
    const asset = assets.get(boardId, assetId);
    return asset ? moveAssets([asset]) : null;
  },
  assetGetMany: (boardId: string, assetIds: string[], maxBytes: number) =>
    moveAssets(assets.getMany(boardId, assetIds, maxBytes)),
  assetList: (boardId: string) => assets.list(boardId),
  assetUsage: (boardId: string) => assets.usage(boardId),
  assetCollect: (now: number, graceMs: number) => assets.collectGarbage(now, graceMs),
  assetDeleteBoard: (boardId: string) => assets.deleteBoard(boardId),
  assetBoardBytes: (boardIds: string[]) => assets.boardBytes(boardIds),

  versionNoteEditors: (boardId: string, names: string[], now: number) =>
    versions.noteEditors(boardId, names, now),
  // The records go out as one moved buffer, to the snapshot worker; the version comes back moved.
  versionInput: (boardId: string, options: TakeOptions) => {
    const input = versions.takeInput(boardId, options);
    if ('skip' in input) return input;
    const updates = pack(input.updates);
    return new Transfer({ throughSeq: input.throughSeq, updates }, transferOf(updates));
  },
  versionWrite: (
    boardId: string,
    options: TakeOptions,
    throughSeq: number,
    built: WrittenContent,
  ) => versions.write(boardId, options, throughSeq, built),
  // A large version arrives part by part: commits queued meanwhile go between the parts.
  versionWritePart: (boardId: string, token: string, idx: number, data: Uint8Array, crc: number) =>
    versions.parts.write(boardId, token, idx, data, crc),
  versionDropParts: (boardId: string, token: string | null, limit: number) =>
    versions.parts.drop(boardId, token, limit),
  versionOrphanParts: (boardId: string, now: number) => versions.parts.orphans(boardId, now),
  versionList: (boardId: string) => versions.list(boardId),
  // Deflated: the caller inflates it off its event loop, and this thread goes on committing.
  versionGet: (boardId: string, versionId: number) => {
    const version = versions.getDeflated(boardId, versionId);
    if (!version) return null;
    const data = ownBytes(version.data);
    return new Transfer({ ...version, data }, [data.buffer as ArrayBuffer]);
  },
  versionDeleteBoard: (boardId: string) => versions.deleteBoard(boardId),
  versionBoardBytes: (boardIds: string[]) => versions.boardBytes(boardIds),
});
