/**
 * PostgresStorage against a private PostgreSQL server: the storage contract (with its two-writer
 * cases) on damaged rows of two kinds, and what only PostgreSQL has: records checked against
 * the board they sit under, the compaction lock held by another session, the hooks.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { skipFreeParts } from '@drawbridge/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { describeBoardDataContract } from '../apps/server/src/storage/boardDataContract.js';
import { describeCatalogContract } from '../apps/server/src/storage/catalogContract.js';
import { PostgresErrorCode, PostgresStorage } from '../apps/server/src/storage/PostgresStorage.js';
import {
  POSTGRES_WORKER_APPLICATION_NAMES,
  type PostgresWorkerRole,
} from '../apps/server/src/storage/postgres/PostgresWorker.js';
import { compactionLock } from '../apps/server/src/storage/postgres/schema.js';
import {
  describeStorageContract,
  type StorageFixture,
} from '../apps/server/src/storage/storageContract.js';
import { take } from '../apps/server/src/storage/testing/boardDataKit.js';
import { freePort } from './utils/daemon.js';
import { type PostgresServer, postgresBinDir, startPostgres } from './utils/postgres.js';

let server: PostgresServer;
let databases = 0;

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await server?.destroy();
});

/** One shape per update, so a snapshot built from them can be checked. */
function shapeUpdates(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getMap('shapes').set(`shape-${i}`, { x: i });
  return updates;
}

/** A SQL string literal. */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** SQL expressions that damage `data` the way a bad disk or a torn write would. */
const FLIP_BITS = 'set_byte(data, length(data) / 2, get_byte(data, length(data) / 2) # 90)';
const TRUNCATE = 'substring(data FROM 1 FOR length(data) / 2)';

/** A fresh database for each fixture: each test starts empty, on the one server of this file. */
async function freshDatabase(): Promise<{ url: string; name: string }> {
  databases += 1;
  const name = `contract_${databases}`;
  return { url: await server.createDatabase(name), name };
}

function postgresFixture(damage: string): () => Promise<StorageFixture> {
  return async () => {
    const { url, name } = await freshDatabase();
    const opened: PostgresStorage[] = [];
    const open = async () => {
      const storage = await PostgresStorage.open({ connectionString: url, poolSize: 4 });
      opened.push(storage);
      return storage;
    };
    return {
      storage: await open(),
      openSecond: open,
      reopen: open,
      corruptLastRecord: async (boardId) => {
        const updated = await server.psql(
          `UPDATE updates SET data = ${damage}
           WHERE board_id = ${literal(boardId)}
             AND seq = (SELECT max(seq) FROM updates WHERE board_id = ${literal(boardId)})
           RETURNING seq`,
          name,
        );
        if (updated.trim() === '') throw new Error(`no update stored for ${boardId}`);
      },
      cleanup: async () => {
        for (const storage of opened) await storage.close();
      },
    };
  };
}

describeBoardDataContract('PostgresStorage', async () => {
  const { url, name } = await freshDatabase();
  const opened: PostgresStorage[] = [];
  const open = async () => {
    const storage = await PostgresStorage.open({ connectionString: url, poolSize: 4 });
    opened.push(storage);
    return storage;
  };
  return {
    storage: await open(),
    openSecond: open,
    damageAsset: async (assetId) => {
      await server.psql(
        `UPDATE assets SET data = ${FLIP_BITS} WHERE asset_id = ${literal(assetId)}`,
        name,
      );
    },
    damageVersions: async (boardId) => {
      await server.psql(
        `UPDATE versions SET data = ${TRUNCATE} WHERE board_id = ${literal(boardId)}`,
        name,
      );
    },
    cleanup: async () => {
      for (const storage of opened) await storage.close();
    },
  };
});

describeStorageContract('PostgresStorage (bit rot)', postgresFixture(FLIP_BITS));
describeStorageContract('PostgresStorage (torn write)', postgresFixture(TRUNCATE));
describeCatalogContract('PostgresStorage', postgresFixture(FLIP_BITS));

describe('PostgresStorage', () => {
  let storage: PostgresStorage | undefined;
  let database: string;

  const open = async (options: Partial<Parameters<typeof PostgresStorage.open>[0]> = {}) => {
    const fresh = await freshDatabase();
    database = fresh.name;
    storage = await PostgresStorage.open({ connectionString: fresh.url, ...options });
    return storage;
  };

  afterEach(async () => {
    await storage?.close();
    storage = undefined;
  });

  /** `select` over this database's sessions of one of the storage's PostgreSQL workers. */
  const workerSessions = async (role: PostgresWorkerRole, select = 'count(*)') =>
    (
      await server.psql(
        `SELECT ${select} FROM pg_stat_activity
         WHERE datname = current_database()
           AND application_name = '${POSTGRES_WORKER_APPLICATION_NAMES[role]}'`,
        database,
      )
    ).trim();

  it("commits appends on the writer thread's own connection, not the event loop's", async () => {
    const s = await open();
    expect(await s.append('w', Uint8Array.of(1))).toBe(1);
    expect(await s.append('w', Uint8Array.of(2))).toBe(2);
    expect(await workerSessions('writer')).toBe('1');
    // The statement it ran last: the one-round-trip append of a board it knows.
    expect(await workerSessions('writer', 'query')).toMatch(/^WITH input AS/);
    expect(s.appendStats).toMatchObject({ fast: 1, locked: 1 });
  });

  it('commits batches of several boards and sizes byte for byte, on the locking path and the one-statement one', async () => {
    const s = await open();
    // Sizes from 1 byte to 300 KB, every byte telling its record apart from the others.
    const record = (board: number, n: number) => {
      const size = [1, 7, 200, 4096, 300_000][(board + n) % 5]!;
      return Uint8Array.from({ length: size }, (_, i) => (i * 31 + board * 7 + n) & 255);
    };
    const boards = ['p-c', 'p-a', 'p-b'];
    const sent = new Map<string, Uint8Array[]>(boards.map((board) => [board, []]));
    // Two batches: boards it knows nothing of take the locking path, then the one-statement one.
    for (let batch = 0; batch < 2; batch++) {
      const appends: Promise<number>[] = [];
      for (let n = 0; n < 6; n++) {
        boards.forEach((board, b) => {
          const bytes = record(b, batch * 6 + n);
          sent.get(board)!.push(bytes);
          appends.push(s.append(board, bytes));
        });
      }
      const seqs = await Promise.all(appends);
      // Each board's seqs follow on in issue order, interleaved as they were sent.
      boards.forEach((_, b) => {
        expect(seqs.filter((_, i) => i % boards.length === b)).toEqual(
          Array.from({ length: 6 }, (_, n) => batch * 6 + n + 1),
        );
      });
    }
    expect(s.appendStats).toMatchObject({ fast: 1, locked: 1 });
    for (const board of boards) {
      const stored = await s.readSince(board, 0);
      expect(stored.lastSeq).toBe(12);
      expect(stored.updates.map((u) => Buffer.from(u).toString('hex'))).toEqual(
        sent.get(board)!.map((u) => Buffer.from(u).toString('hex')),
      );
    }
  });

  it('reads whole boards in a worker thread, several at once; catch-up reads stay here', async () => {
    const corrupt: unknown[] = [];
    const s = await open({ onCorrupt: (record) => corrupt.push(record) });
    const boards = Array.from({ length: 12 }, (_, i) => `b${i}`);
    const updates = shapeUpdates(3);
    for (const board of boards) for (const update of updates) await s.append(board, update);
    await server.psql(
      `UPDATE updates SET data = ${FLIP_BITS} WHERE board_id = 'b7' AND seq = 3`,
      database,
    );
    expect(await workerSessions('reader')).toBe('0');

    const loaded = await Promise.all(boards.map((board) => s.load(board)));
    loaded.forEach((board, i) => {
      const expected = i === 7 ? updates.slice(0, 2) : updates;
      expect(board).toMatchObject({ lastSeq: 3, corrupt: i === 7 ? 1 : 0, snapshot: false });
      expect(board.updates).toEqual(expected);
    });
    expect(corrupt).toEqual([
      { kind: 'update', boardId: 'b7', seq: 3, reason: 'checksum mismatch' },
    ]);
    // The loads overlapped, on the reader's own connections.
    const readers = Number(await workerSessions('reader'));
    expect(readers).toBeGreaterThan(1);
    expect(readers).toBeLessThanOrEqual(4);

    // A catch-up read (what a node missed) is answered on the event loop's pool.
    await s.append('b0', Uint8Array.of(0, 0));
    expect(await s.readSince('b0', 3)).toMatchObject({
      lastSeq: 4,
      updates: [Uint8Array.of(0, 0)],
    });
    // Seqs carry on from what the reader saw.
    expect(await s.append('b1', Uint8Array.of(0, 0))).toBe(4);
  });

  it('detects an intact record stored under the wrong board or seq', async () => {
    const s = await open();
    await s.append('a', Uint8Array.of(1, 2, 3));
    await s.append('a', Uint8Array.of(4, 5, 6));
    await s.append('c', Uint8Array.of(7, 8, 9));
    await server.psql(
      `INSERT INTO updates SELECT 'b', seq, data, crc FROM updates WHERE board_id = 'a' AND seq = 1;
       UPDATE updates SET seq = 5 WHERE board_id = 'c' AND seq = 1;`,
      database,
    );
    expect(await s.load('b')).toEqual({
      updates: [],
      lastSeq: 1,
      bytes: 0,
      corrupt: 1,
      snapshot: false,
    });
    expect(await s.load('c')).toMatchObject({ updates: [], lastSeq: 5, corrupt: 1 });
    expect((await s.load('a')).updates).toEqual([Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5, 6)]);
  });

  it('skips a corrupt snapshot but still returns the records after it', async () => {
    const corrupt: unknown[] = [];
    const s = await open({ onCorrupt: (record) => corrupt.push(record) });
    const updates = shapeUpdates(8);
    for (const update of updates.slice(0, 5)) await s.append('b', update);
    expect(await s.compact('b', { minRecords: 1 })).toMatchObject({
      compacted: true,
      throughSeq: 5,
    });
    for (const update of updates.slice(5)) await s.append('b', update);
    await server.psql(`UPDATE snapshots SET data = ${FLIP_BITS}`, database);

    const loaded = await s.load('b');
    expect(loaded).toMatchObject({
      corrupt: 1,
      lastSeq: 8,
      snapshot: false,
      updates: updates.slice(5),
    });
    expect(corrupt).toEqual([
      { kind: 'snapshot', boardId: 'b', seq: 5, reason: 'checksum mismatch' },
    ]);
  });

  it('skips a compaction while another session holds the board lock', async () => {
    const contended: string[] = [];
    const s = await open({ onLockContended: (boardId) => contended.push(boardId) });
    for (const update of shapeUpdates(5)) await s.append('b', update);
    const [namespace, key] = compactionLock('b');
    // Another session holds the lock until we kill it (its own PID, below).
    const holder = spawn(
      path.join(postgresBinDir(), 'psql'),
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(server.port),
        '-U',
        'postgres',
        '-d',
        database,
        '-X',
        '-c',
        `SELECT pg_advisory_lock(${namespace}, ${key}); SELECT pg_sleep(60);`,
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => holder.once('close', resolve));
    const lockHolders = (held: string) =>
      server.psql(
        `SELECT ${held} FROM pg_locks WHERE locktype = 'advisory' AND granted
           AND classid = ${namespace}::oid AND objid = ${key}::oid`,
        database,
      );
    try {
      await vi.waitFor(async () => expect((await lockHolders('count(*)')).trim()).toBe('1'), {
        timeout: 10_000,
        interval: 20,
      });
      expect(await s.compact('b')).toMatchObject({ compacted: false, skipped: 'locked' });
      expect(contended).toEqual(['b']);
      // Killing psql alone would leave its backend sleeping with the lock: end the session.
      await lockHolders('pg_terminate_backend(pid)');
      await vi.waitFor(async () => expect((await lockHolders('count(*)')).trim()).toBe('0'), {
        timeout: 10_000,
        interval: 20,
      });
    } finally {
      holder.kill('SIGKILL');
      await exited;
    }
    expect(await s.compact('b')).toMatchObject({ compacted: true, throughSeq: 5, records: 5 });
  });

  it('compacts in a worker thread, on a connection of its own that survives being cut', async () => {
    const corrupt: unknown[] = [];
    const s = await open({ onCorrupt: (record) => corrupt.push(record) });
    const updates = shapeUpdates(6);
    for (const update of updates) await s.append('b', update);
    // A record in the middle: the client's later content has a gap before it.
    await server.psql(`UPDATE updates SET data = ${FLIP_BITS} WHERE seq = 3`, database);
    const compactors = (select?: string) => workerSessions('compactor', select);
    expect(await compactors()).toBe('0');

    // The rows are read, checked and rebuilt in the worker: the damaged one is reported here.
    expect(await s.compact('b', { minRecords: 1 })).toMatchObject({
      compacted: true,
      throughSeq: 6,
      records: 6,
    });
    expect(corrupt).toEqual([
      { kind: 'update', boardId: 'b', seq: 3, reason: 'checksum mismatch' },
    ]);
    expect(await compactors()).toBe('1');
    // The content after the gap is kept, waiting for it, as the server loads it...
    const doc = new Y.Doc();
    for (const update of (await s.load('b')).updates) {
      for (const part of skipFreeParts(update)) Y.applyUpdate(doc, part);
    }
    expect([...doc.getMap('shapes').keys()].sort()).toEqual(['shape-0', 'shape-1']);
    expect(doc.store.pendingStructs).not.toBeNull();
    // ...so once a member resends the damaged edit, every shape is there.
    await s.append('b', updates[2]!);
    const healed = new Y.Doc();
    for (const update of (await s.load('b')).updates) {
      for (const part of skipFreeParts(update)) Y.applyUpdate(healed, part);
    }
    expect([...healed.getMap('shapes').keys()].sort()).toEqual(updates.map((_, i) => `shape-${i}`));

    // PostgreSQL ends the worker's idle session (a restart, a failover): the next one reconnects.
    await compactors('pg_terminate_backend(pid)');
    await vi.waitFor(async () => expect(await compactors()).toBe('0'), {
      timeout: 10_000,
      interval: 20,
    });
    await s.append('b', Uint8Array.of(0, 0));
    expect(await s.compact('b', { minRecords: 1 })).toMatchObject({
      compacted: true,
      throughSeq: 8,
    });

    // Closing the storage closes the worker's connection too.
    await s.close();
    storage = undefined;
    await vi.waitFor(async () => expect(await compactors()).toBe('0'), {
      timeout: 10_000,
      interval: 20,
    });
  });

  it('takes versions in the compactor worker, reporting the damaged records it skipped', async () => {
    const corrupt: unknown[] = [];
    const s = await open({ onCorrupt: (record) => corrupt.push(record) });
    const updates = shapeUpdates(4);
    for (const update of updates) await s.append('v', update);
    await server.psql(`UPDATE updates SET data = ${TRUNCATE} WHERE seq = 4`, database);
    expect(await workerSessions('compactor')).toBe('0');

    const taken = await take(s.versions, 'v', Date.now());
    expect(taken).toMatchObject({ taken: true, version: { boardId: 'v', throughSeq: 4 } });
    expect(corrupt).toEqual([
      { kind: 'update', boardId: 'v', seq: 4, reason: 'checksum mismatch' },
    ]);
    expect(await workerSessions('compactor')).toBe('1');
    const [info] = await s.versions.list('v');
    const stored = await s.versions.get('v', info!.versionId);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored!.state);
    expect([...doc.getMap('shapes').keys()].sort()).toEqual(['shape-0', 'shape-1', 'shape-2']);
  });

  it("reports the worker's compaction failures as retryable or not, like the event loop's", async () => {
    const own = await startPostgres();
    try {
      const s = await PostgresStorage.open({ connectionString: own.url, connectTimeoutMs: 2000 });
      try {
        for (const update of shapeUpdates(3)) await s.append('b', update);
        await own.stop();
        const compaction = s.compact('b', { minRecords: 1 });
        await expect(compaction).rejects.toThrow(/PostgreSQL unavailable while compacting board b/);
        await expect(compaction).rejects.toMatchObject({
          code: PostgresErrorCode.Unavailable,
          retryable: true,
        });
        await own.restart();
        expect(await s.compact('b', { minRecords: 1 })).toMatchObject({
          compacted: true,
          throughSeq: 3,
        });
      } finally {
        await s.close();
      }
    } finally {
      await own.destroy();
    }
  });

  it('reports latencies and commits to its hooks, and survives hooks that throw', async () => {
    const ops: string[] = [];
    const s = await open({
      onQuery: (op) => {
        ops.push(op);
        throw new Error('broken metrics');
      },
      onCommit: () => {
        throw new Error('broken metrics');
      },
    });
    expect(await s.append('b', Uint8Array.of(1))).toBe(1);
    await s.headSeqs(['b']);
    await s.load('b');
    await s.ping();
    expect(ops).toEqual(expect.arrayContaining(['migrate', 'append', 'heads', 'read', 'ping']));
  });

  it('commits a known board in one statement and falls back when another writer moved it', async () => {
    const s = await open();
    const url = `postgresql://postgres@127.0.0.1:${server.port}/${database}`;
    const other = await PostgresStorage.open({ connectionString: url });
    try {
      expect(await s.append('b', Uint8Array.of(1))).toBe(1);
      expect(await s.append('b', Uint8Array.of(2))).toBe(2);
      expect(s.appendStats).toMatchObject({ fast: 1, locked: 1 });
      expect(await other.append('b', Uint8Array.of(3))).toBe(3);
      expect(await s.append('b', Uint8Array.of(4))).toBe(4);
      expect(s.appendStats).toMatchObject({ fast: 1, locked: 2 });
    } finally {
      await other.close();
    }
  });

  it('fails to open with a clear error when PostgreSQL is unreachable or the database is missing', async () => {
    const closed = `postgresql://postgres@127.0.0.1:${await freePort()}/drawbridge`;
    const unreachable = PostgresStorage.open({ connectionString: closed });
    await expect(unreachable).rejects.toThrow(/PostgreSQL unavailable while migrating the schema/);
    await expect(unreachable).rejects.toMatchObject({
      code: PostgresErrorCode.Unavailable,
      retryable: true,
    });

    const missing = PostgresStorage.open({ connectionString: `${server.url}-missing` });
    await expect(missing).rejects.toThrow(
      /PostgreSQL error while migrating the schema: .*does not exist/,
    );
    await expect(missing).rejects.toMatchObject({
      code: PostgresErrorCode.Failed,
      retryable: false,
    });
  });
});
