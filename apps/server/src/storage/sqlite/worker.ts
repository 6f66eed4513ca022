/**
 * The storage worker thread: owns the SQLite connection so that commits (fsync), reads of large
 * boards and compactions never run on the server's event loop. Spoken to by `SqliteStorage`.
 */
import { workerData } from 'node:worker_threads';
import { emitRpcEvent, serveRpc } from '../../workers/serveRpc.js';
import type { QueuedAppend } from '../GroupCommitQueue.js';
import { SqliteLog, type SqliteLogOptions } from './SqliteLog.js';

const options = workerData as Omit<SqliteLogOptions, 'onCorrupt'>;
const log = new SqliteLog({
  ...options,
  onCorrupt: ({ kind, boardId, seq, reason }) =>
    emitRpcEvent('corrupt', { kind, boardId, seq, reason }),
});

serveRpc({
  commit: (batch: QueuedAppend[]) => log.commit(batch),
  readSince: (boardId: string, afterSeq: number) => log.readSince(boardId, afterSeq),
  headSeqs: (boardIds: string[]) => log.headSeqs(boardIds),
  compactionInput: (boardId: string, minRecords: number) =>
    log.compactionInput(boardId, minRecords),
  replaceSnapshot: (boardId: string, expected: number, throughSeq: number, state: Uint8Array) =>
    log.replaceSnapshot(boardId, expected, throughSeq, state),
  stats: (boardId: string) => log.stats(boardId),
  ping: () => true,
  close: () => log.close(),
});
