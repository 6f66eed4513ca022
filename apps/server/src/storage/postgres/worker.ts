/**
 * The PostgreSQL compaction worker: reads a board's records, builds its snapshot and stores it,
 * all on this thread with a connection of its own. node-postgres parses every row on the thread
 * that queries (a large board's bytea arrives as hex text, decoded there), so a compaction run
 * from the event loop would hold it for tens of milliseconds on a board of a few megabytes.
 */
import { workerData } from 'node:worker_threads';
import pg from 'pg';
import { serveRpc } from '../../workers/serveRpc.js';
import { lowerThreadPriority } from '../../workers/threadPriority.js';
import { buildSnapshot } from '../snapshot.js';
import type { CompactionJob, CompactionWorkerOptions } from './CompactionWorker.js';
import { compactBoard } from './compactBoard.js';

// Background work: the event loop and the appends' commits come first when CPU is short.
lowerThreadPriority();

const options = workerData as CompactionWorkerOptions;
// One compaction at a time (requests are served in order), so one connection is enough.
const pool = new pg.Pool({
  connectionString: options.connectionString,
  max: 1,
  connectionTimeoutMillis: options.connectTimeoutMs,
  query_timeout: options.queryTimeoutMs,
  keepAlive: true,
  application_name: options.applicationName,
});
// An idle connection that PostgreSQL closes is dropped by the pool; unheard, it would kill the thread.
pool.on('error', () => undefined);

serveRpc({
  compact: async (boardId: string, minRecords: number): Promise<CompactionJob> => {
    const job: CompactionJob = { result: null, corrupt: [], contended: false };
    job.result = await compactBoard(
      {
        pool,
        build: async (updates) => buildSnapshot(updates),
        onCorrupt: ({ kind, seq, reason }) => job.corrupt.push({ kind, boardId, seq, reason }),
        onLockContended: () => {
          job.contended = true;
        },
      },
      boardId,
      minRecords,
    );
    return job;
  },
  close: () => pool.end(),
});
