import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { describeBoardDataContract } from './boardDataContract.js';
import { describeCatalogContract } from './catalogContract.js';
import type { CommitInfo } from './GroupCommitQueue.js';
import { recordChecksum } from './records.js';
import { SqliteStorage } from './SqliteStorage.js';
import { ASSET_PART_BYTES } from './sqlite/assetParts.js';
import { MIGRATIONS } from './sqlite/schema.js';
import { describeStorageContract, type StorageFixture } from './storageContract.js';
import { asset, take } from './testing/boardDataKit.js';
import { tempDir, withConnection } from './testing/sqliteFile.js';

type Damage = (data: Buffer) => Buffer;

const flipBits: Damage = (data) => {
  const damaged = Buffer.from(data);
  const i = Math.floor(damaged.length / 2);
  damaged[i] = damaged[i]! ^ 0x5a;
  return damaged;
};

const truncate: Damage = (data) => data.subarray(0, Math.floor(data.length / 2));

function damageLastUpdate(file: string, boardId: string, damage: Damage): void {
  withConnection(file, (db) => {
    const row = db
      .prepare<[string], { seq: number; data: Buffer }>(
        'SELECT seq, data FROM updates WHERE board_id = ? ORDER BY seq DESC LIMIT 1',
      )
      .get(boardId);
    if (row === undefined) throw new Error(`no update stored for ${boardId}`);
    db.prepare('UPDATE updates SET data = ? WHERE board_id = ? AND seq = ?').run(
      damage(row.data),
      boardId,
      row.seq,
    );
  });
}

function sqliteFixture(damage: Damage): () => Promise<StorageFixture> {
  return async () => {
    const dir = tempDir();
    // A missing parent directory must be created by the storage.
    const file = path.join(dir, 'data', 'boards.db');
    const opened: SqliteStorage[] = [];
    const open = () => {
      const storage = new SqliteStorage({ file });
      opened.push(storage);
      return storage;
    };
    return {
      storage: open(),
      openSecond: async () => open(),
      reopen: async () => open(),
      corruptLastRecord: async (boardId) => damageLastUpdate(file, boardId, damage),
      cleanup: async () => {
        for (const storage of opened) await storage.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

describeStorageContract('SqliteStorage (bit rot)', sqliteFixture(flipBits));
describeStorageContract('SqliteStorage (torn write)', sqliteFixture(truncate));
describeCatalogContract('SqliteStorage', sqliteFixture(flipBits));

describeBoardDataContract('SqliteStorage', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'boards.db');
  const opened: SqliteStorage[] = [];
  const open = () => {
    const storage = new SqliteStorage({ file });
    opened.push(storage);
    return storage;
  };
  return {
    storage: open(),
    openSecond: async () => open(),
    damageAsset: async (assetId) =>
      withConnection(file, (db) => {
        const { data, token } = db
          .prepare<[string], { data: Buffer; token: string | null }>(
            'SELECT data, token FROM assets WHERE asset_id = ?',
          )
          .get(assetId)!;
        if (token === null) {
          db.prepare('UPDATE assets SET data = ? WHERE asset_id = ?').run(flipBits(data), assetId);
          return;
        }
        // An asset stored in parts: one of its parts rots.
        const part = db
          .prepare<[string], Buffer>('SELECT data FROM asset_parts WHERE token = ? AND idx = 1')
          .pluck()
          .get(token)!;
        db.prepare('UPDATE asset_parts SET data = ? WHERE token = ? AND idx = 1').run(
          flipBits(part),
          token,
        );
      }),
    damageVersions: async (boardId) =>
      withConnection(file, (db) => {
        db.prepare('UPDATE versions SET data = substr(data, 1, 8) WHERE board_id = ?').run(boardId);
      }),
    cleanup: async () => {
      for (const storage of opened) await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

function recordedUpdates(count: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getMap('shapes').set(`shape-${i}`, { x: i });
  return { doc, updates };
}

/**
 * Appends to another board, one after another, until `work` settles: its result, and how many
 * of those appends committed before it did. Ordering, not timing.
 */
async function commitsDuring<T>(s: SqliteStorage, work: Promise<T>): Promise<[T, number]> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  let committedBefore = 0;
  while (!done) {
    await s.append('other', Uint8Array.of(0, 0));
    if (!done) committedBefore++;
  }
  return [await settled, committedBefore];
}

describe('SqliteStorage', () => {
  let dir: string;
  let file: string;
  let storage: SqliteStorage | undefined;

  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir, 'boards.db');
  });

  afterEach(async () => {
    await storage?.close();
    storage = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uses WAL journal mode and a versioned schema', async () => {
    storage = new SqliteStorage({ file });
    await storage.append('b', Uint8Array.of(1));
    withConnection(file, (db) => {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    });
  });

  it('leaves the file standing alone once closed: no write-ahead log beside it', async () => {
    storage = new SqliteStorage({ file });
    await storage.append('b', Uint8Array.of(1));
    await storage.load('b');
    expect(fs.existsSync(`${file}-wal`)).toBe(true);
    await storage.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(fs.existsSync(`${file}-shm`)).toBe(false);
    storage = new SqliteStorage({ file });
    expect((await storage.load('b')).updates).toEqual([Uint8Array.of(1)]);
  });

  it('migrates a file of schema version 1: its boards keep their records and are listed', async () => {
    // Written as a version-1 server would: no updated_at, no name, no links.
    withConnection(file, (db) => {
      db.exec(MIGRATIONS[0]!);
      db.pragma('user_version = 1');
      db.prepare('INSERT INTO boards (board_id, last_seq) VALUES (?, ?)').run('old', 1);
      db.prepare('INSERT INTO updates (board_id, seq, data, crc) VALUES (?, ?, ?, ?)').run(
        'old',
        1,
        Buffer.from([0, 0]),
        recordChecksum('update', 'old', 1, Uint8Array.of(0, 0)),
      );
    });
    storage = new SqliteStorage({ file });
    expect(await storage.boards.list()).toEqual([
      { id: 'old', name: null, bytes: 2, updatedAt: null },
    ]);
    expect((await storage.load('old')).updates).toEqual([Uint8Array.of(0, 0)]);
    expect(await storage.append('old', Uint8Array.of(0, 0))).toBe(2);
    expect((await storage.boards.list())[0]!.updatedAt).not.toBeNull();
  });

  it('migrates a file of schema version 4: its images, large ones too, are served as stored', async () => {
    // Written as a version-4 server would: every image's bytes in its row.
    const big = asset('old-big', 3 * ASSET_PART_BYTES + 1);
    withConnection(file, (db) => {
      for (const sql of MIGRATIONS.slice(0, 4)) db.exec(sql);
      db.pragma('user_version = 4');
      db.prepare(
        `INSERT INTO assets (asset_id, type, width, height, bytes, data, created_at)
         VALUES (?, 'image/png', 4, 2, ?, ?, 1)`,
      ).run(big.assetId, big.data.byteLength, Buffer.from(big.data));
      db.prepare('INSERT INTO board_assets (board_id, asset_id, added_at) VALUES (?, ?, 1)').run(
        'old',
        big.assetId,
      );
    });
    storage = new SqliteStorage({ file });
    const served = await storage.assets.get('old', big.assetId);
    expect(served && createHash('sha256').update(served.data).digest('hex')).toBe(big.assetId);
    // Deleted whole, though it has no parts.
    await storage.assets.deleteBoard('old');
    expect(await storage.assets.get('old', big.assetId)).toBeNull();
    withConnection(file, (db) => {
      expect(db.prepare('SELECT count(*) AS n FROM assets').get()).toEqual({ n: 0 });
    });
  });

  it('refuses a file from a newer schema version', async () => {
    withConnection(file, (db) => db.pragma('user_version = 99'));
    expect(() => new SqliteStorage({ file })).toThrow(/schema version 99/);
  });

  it('group-commits appends issued in one tick', async () => {
    const commits: CommitInfo[] = [];
    storage = new SqliteStorage({ file, onCommit: (info) => commits.push(info) });
    const { updates } = recordedUpdates(200);
    const s = storage;
    await Promise.all(updates.map((update) => s.append('b', update)));

    // Batching, not timing: 200 appends must not mean 200 fsyncs.
    expect(commits.length).toBeLessThanOrEqual(5);
    expect(commits.reduce((sum, c) => sum + c.records, 0)).toBe(200);
    expect(commits.reduce((sum, c) => sum + c.bytes, 0)).toBe(
      updates.reduce((sum, u) => sum + u.byteLength, 0),
    );
    for (const commit of commits) expect(commit.seconds).toBeGreaterThanOrEqual(0);
  });

  it("reads boards beside the commits: other boards' appends commit during a large load", async () => {
    storage = new SqliteStorage({ file });
    const s = storage;
    // 32 MB of records: reading, checking and moving them takes far longer than one commit.
    const record = (i: number) => new Uint8Array(64 * 1024).fill(i % 251);
    await Promise.all(Array.from({ length: 512 }, (_, i) => s.append('big', record(i))));

    // Were the board read on the thread that commits, no commit could land before the load.
    const [board, committedBefore] = await commitsDuring(s, s.load('big'));
    expect(board.lastSeq).toBe(512);
    expect(board.updates).toHaveLength(512);
    expect(board.updates[300]).toEqual(record(300));
    expect(committedBefore).toBeGreaterThan(0);
  });

  it("builds a version outside the storage worker: other boards' appends commit meanwhile", async () => {
    storage = new SqliteStorage({ file });
    const s = storage;
    // A board large enough that building its version takes a while.
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    for (let i = 0; i < 5000; i++) {
      doc.getMap('shapes').set(`shape-${i}`, new Y.Map([['text', `shape ${i} `.repeat(8)]]));
    }
    await Promise.all(updates.map((update) => s.append('big', update)));
    await s.compact('big');

    // With the build in the storage worker, no commit could land before the version was written.
    const [version, committedBefore] = await commitsDuring(s, take(s.versions, 'big', Date.now()));
    expect(version).toMatchObject({ taken: true, version: { boardId: 'big' } });
    expect(committedBefore).toBeGreaterThan(0);
    const [info] = await s.versions.list('big');
    const stored = await s.versions.get('big', info!.versionId);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, stored!.state);
    expect(copy.getMap('shapes').size).toBe(5000);
  });

  it('rejects the whole batch when its commit fails, and keeps working', async () => {
    storage = new SqliteStorage({ file });
    await storage.append('ok', Uint8Array.of(1));
    withConnection(file, (db) =>
      db.exec(`CREATE TRIGGER fail BEFORE INSERT ON updates WHEN NEW.board_id = 'poison'
               BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`),
    );

    const batch = [
      storage.append('ok', Uint8Array.of(2)),
      storage.append('poison', Uint8Array.of(3)),
    ];
    const results = await Promise.allSettled(batch);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      if (result.status === 'rejected') expect(String(result.reason)).toMatch(/disk on fire/);
    }

    expect(await storage.append('ok', Uint8Array.of(4))).toBe(2);
    expect((await storage.load('ok')).updates).toEqual([Uint8Array.of(1), Uint8Array.of(4)]);
  });

  it('skips a corrupt snapshot but still returns the updates after it', async () => {
    storage = new SqliteStorage({ file });
    const { doc, updates } = recordedUpdates(8);
    const s = storage;
    await Promise.all(updates.slice(0, 5).map((update) => s.append('b', update)));
    await storage.compact('b');
    await Promise.all(updates.slice(5).map((update) => s.append('b', update)));
    withConnection(file, (db) => {
      const data = db.prepare('SELECT data FROM snapshots').pluck().get() as Buffer;
      db.prepare('UPDATE snapshots SET data = ?').run(flipBits(data));
    });

    const loaded = await storage.load('b');
    expect(loaded).toMatchObject({ corrupt: 1, lastSeq: 8, updates: updates.slice(5) });
    expect(loaded.snapshot).toBe(false);
    expect(await storage.stats('b')).toEqual({ updates: 3, snapshots: 1 });
    expect(doc.getMap('shapes').size).toBe(8);
  });

  it('detects an intact record stored under the wrong board or with a non-blob value', async () => {
    storage = new SqliteStorage({ file });
    await storage.append('a', Uint8Array.of(1, 2, 3));
    await storage.append('c', Uint8Array.of(4, 5, 6));
    withConnection(file, (db) => {
      db.exec(`INSERT INTO updates SELECT 'b', seq, data, crc FROM updates WHERE board_id = 'a'`);
      db.exec(`UPDATE updates SET data = 'text' WHERE board_id = 'c'`);
    });

    expect(await storage.load('b')).toEqual({
      updates: [],
      lastSeq: 1,
      bytes: 0,
      corrupt: 1,
      snapshot: false,
    });
    expect((await storage.load('c')).corrupt).toBe(1);
    expect((await storage.load('a')).updates).toEqual([Uint8Array.of(1, 2, 3)]);
  });

  it('loses no acked append when the process is killed', { timeout: 30_000 }, async () => {
    const script = fileURLToPath(new URL('./testing/appendAndDie.ts', import.meta.url));
    // Resolved from this file so it works whatever the cwd of the test run.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', tsx, script, file, 'crash'], {
      cwd: path.dirname(script),
      stdio: ['ignore', 'pipe', 'pipe'],
    });

    const acked = new Map<number, string>();
    let partial = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const [tag, seq, data] = line.split(' ');
        if (tag === 'ack' && seq !== undefined && data !== undefined) acked.set(Number(seq), data);
      }
      if (acked.size >= 60 && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
    });
    const ended = await new Promise<string>((resolve) => {
      child.on('close', (code, signal) => resolve(signal ?? `exit ${code}`));
    });
    expect(ended, stderr).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThanOrEqual(60);

    storage = new SqliteStorage({ file });
    const loaded = await storage.load('crash');
    expect(loaded.corrupt).toBe(0);
    expect(loaded.lastSeq).toBeGreaterThanOrEqual(Math.max(...acked.keys()));
    const stored = new Set(loaded.updates.map((u) => Buffer.from(u).toString('base64')));
    const lost = [...acked].filter(([, data]) => !stored.has(data)).map(([seq]) => seq);
    expect(lost).toEqual([]);

    // Every stored update replays without a gap: one shape per update, none pending.
    const doc = new Y.Doc();
    for (const update of loaded.updates) Y.applyUpdate(doc, update);
    expect(Object.keys(doc.getMap('shapes').toJSON())).toHaveLength(loaded.updates.length);
  });
});
