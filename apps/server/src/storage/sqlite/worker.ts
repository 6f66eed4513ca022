/**
 * The storage worker thread: owns the SQLite connection so that commits (fsync), reads of large
 * boards and compactions never run on the server's event loop. Spoken to by `SqliteStorage`.
 */
import { workerData } from 'node:worker_threads';
import { emitRpcEvent, serveRpc } from '../../workers/serveRpc.js';
import type { NewLink } from '../Catalog.js';
import type { QueuedAppend } from '../GroupCommitQueue.js';
import { SqliteCatalog } from './SqliteCatalog.js';
import { SqliteLog, type SqliteLogOptions } from './SqliteLog.js';

const options = workerData as Omit<SqliteLogOptions, 'onCorrupt'>;
const log = new SqliteLog({
  ...options,
  onCorrupt: ({ kind, boardId, seq, reason }) =>
    emitRpcEvent('corrupt', { kind, boardId, seq, reason }),
});

const catalog = new SqliteCatalog(log.database);

serveRpc({
  commit: (batch: QueuedAppend[]) => log.commit(batch),
  readSince: (boardId: string, afterSeq: number) => log.readSince(boardId, afterSeq),
  headSeqs: (boardIds: string[]) => log.headSeqs(boardIds),
  compactionInput: (boardId: string, minRecords: number) =>
    log.compactionInput(boardId, minRecords),
  replaceSnapshot: (boardId: string, expected: number, throughSeq: number, state: Uint8Array) =>
    log.replaceSnapshot(boardId, expected, throughSeq, state),
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
});
