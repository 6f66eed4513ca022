/**
 * A PostgreSQL worker thread (see `PostgresWorker`): as `writer`, it commits the append batches,
 * one at a time, with the seq guesses they need (`SeqCache`); as `compactor`, it reads a board's
 * records, builds its snapshot or a version and stores it, one board at a time, at background
 * priority; as `reader`, it reads boards (cold loads, catch-ups) and versions, several at once,
 * and stores and reads images (`AssetBytes.ts`). Either way statements
 * are built and rows parsed here, on a pool of its own, not on the event loop.
 */
import { workerData } from 'node:worker_threads';
import pg from 'pg';
import { pack, transferOf } from '../../workers/packing.js';
import { ownBytes, serveRpc, Transfer } from '../../workers/serveRpc.js';
import { lowerThreadPriority } from '../../workers/threadPriority.js';
import { type MovedBatch, receivedBatch } from '../GroupCommitQueue.js';
import type { CorruptRecord } from '../SqliteStorage.js';
import { buildSnapshot } from '../snapshot.js';
import type { TakeOptions } from '../VersionStore.js';
import { buildVersion } from '../versionSnapshot.js';
import type { AssetPutJob, AssetReadJob, SentAsset } from './AssetBytes.js';
import { type AppendStats, appendBatch } from './appendBatch.js';
import { compactBoard } from './compactBoard.js';
import { probePeers } from './connection.js';
import { PostgresAssets } from './PostgresAssets.js';
import {
  type AppendJob,
  type CompactionJob,
  type PackedRead,
  POSTGRES_WORKER_APPLICATION_NAMES,
  type PostgresWorkerOptions,
  type VersionJob,
} from './PostgresWorker.js';
import { readBoard } from './readBoard.js';
import { readVersion } from './readVersion.js';
import { SeqCache } from './SeqCache.js';
import { takeVersion } from './takeVersion.js';

const options = workerData as PostgresWorkerOptions;
// Compaction is background work: the event loop and the appends' commits come first when CPU
// is short. A read has a joiner waiting on it.
if (options.role === 'compactor') lowerThreadPriority();

const pool = new pg.Pool({
  connectionString: options.connectionString,
  max: options.poolSize,
  connectionTimeoutMillis: options.connectTimeoutMs,
  query_timeout: options.queryTimeoutMs,
  keepAlive: true,
  application_name: POSTGRES_WORKER_APPLICATION_NAMES[options.role],
});
probePeers(pool);
// An idle connection that PostgreSQL closes is dropped by the pool; unheard, it would end the thread.
pool.on('error', () => undefined);

const corruptRecord =
  (boardId: string, into: CorruptRecord[]) =>
  ({ kind, seq, reason }: { kind: CorruptRecord['kind']; seq: number; reason: string }) =>
    into.push({ kind, boardId, seq, reason });

/** The writer's beliefs about boards' last seqs (its commits, and what reads saw). */
const seqs = new SeqCache();

/** The reader's uploads on their way in, by token: their parts so far. */
const uploads = new Map<string, Uint8Array[]>();

/** Runs `work` on the asset store, noting the assets it finds damaged. */
async function withAssets<T>(work: (assets: PostgresAssets) => Promise<T>) {
  const damaged: string[] = [];
  const assets = new PostgresAssets(
    pool,
    (_doing, call) => call(),
    (_boardId, assetId) => damaged.push(assetId),
  );
  return { result: await work(assets), damaged };
}

serveRpc(
  {
    append: async (batch: MovedBatch): Promise<AppendJob> => {
      const stats: AppendStats = { fast: 0, locked: 0, conflictRetries: 0 };
      return { seqs: await appendBatch(pool, seqs, receivedBatch(batch), stats), stats };
    },
    learn: (heads: [string, number][]) => {
      for (const [boardId, seq] of heads) seqs.learn(boardId, seq);
    },
    compact: async (boardId: string, minRecords: number): Promise<CompactionJob> => {
      const corrupt: CorruptRecord[] = [];
      let contended = false;
      const result = await compactBoard(
        {
          pool,
          build: async (updates) => buildSnapshot(updates),
          onCorrupt: corruptRecord(boardId, corrupt),
          onLockContended: () => {
            contended = true;
          },
        },
        boardId,
        minRecords,
      );
      return { result, corrupt, contended };
    },
    takeVersion: async (boardId: string, options: TakeOptions): Promise<VersionJob> => {
      const corrupt: CorruptRecord[] = [];
      const result = await takeVersion(
        {
          pool,
          build: async (updates) => buildVersion(updates),
          onCorrupt: corruptRecord(boardId, corrupt),
        },
        boardId,
        options,
      );
      return { result, corrupt };
    },
    read: async (boardId: string, afterSeq: number) => {
      const corrupt: CorruptRecord[] = [];
      const { board, head } = await readBoard(
        pool,
        boardId,
        afterSeq,
        corruptRecord(boardId, corrupt),
      );
      const updates = pack(board.updates);
      const read: PackedRead = {
        updates,
        lastSeq: board.lastSeq,
        bytes: board.bytes,
        corruptCount: board.corrupt,
        snapshot: board.snapshot,
        head,
        corrupt,
      };
      return new Transfer(read, transferOf(updates));
    },
    assetPart: (token: string, part: Uint8Array) => {
      const parts = uploads.get(token) ?? [];
      parts.push(part);
      uploads.set(token, parts);
    },
    assetDrop: (token: string) => {
      uploads.delete(token);
    },
    assetPut: async (
      boardId: string,
      sent: SentAsset,
      options: { maxBoardBytes: number; now: number },
    ): Promise<AssetPutJob> => {
      const { token, ...asset } = sent;
      const data = Buffer.concat(uploads.get(token) ?? []);
      uploads.delete(token);
      return withAssets((assets) => assets.put(boardId, { ...asset, data }, options));
    },
    assetRead: async (boardId: string, assetIds: string[], maxBytes: number) => {
      const read: AssetReadJob = await withAssets(async (assets) =>
        (await assets.getMany(boardId, assetIds, maxBytes)).map((asset) => ({
          ...asset,
          data: ownBytes(asset.data),
        })),
      );
      return new Transfer(
        read,
        read.result.map((asset) => asset.data.buffer as ArrayBuffer),
      );
    },
    readVersion: async (boardId: string, versionId: number) => {
      const read = await readVersion(pool, boardId, versionId);
      if (!read) return null;
      const moved = { ...read, data: ownBytes(read.data) };
      return new Transfer(moved, [moved.data.buffer as ArrayBuffer]);
    },
    close: () => pool.end(),
  },
  // The writer commits one batch at a time, in order, and the compactor takes one board at a
  // time (their pools have one connection each); reads overlap.
  { concurrent: options.role === 'reader' },
);
