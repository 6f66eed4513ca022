import fs from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { versionChecksum } from '../records.js';
import { SqliteStorage } from '../SqliteStorage.js';
import { DAY, noisyBoard, T0, take } from '../testing/boardDataKit.js';
import {
  recordWriteOrder,
  tempDir,
  withConnection,
  withSqliteStorage,
} from '../testing/sqliteFile.js';
import { MIGRATIONS } from './schema.js';
import { VERSION_PART_BYTES } from './versionParts.js';

async function appendAll(storage: SqliteStorage, boardId: string, updates: Uint8Array[]) {
  await Promise.all(updates.map((update) => storage.append(boardId, update)));
}

const partsOf = (file: string, boardId: string) =>
  withConnection(file, (db) =>
    db
      .prepare<[string], { token: string; parts: number; bytes: number }>(
        `SELECT token, count(*) AS parts, sum(length(data)) AS bytes FROM version_parts
         WHERE board_id = ? GROUP BY token ORDER BY token`,
      )
      .all(boardId),
  );

const versionRows = (file: string, boardId: string) =>
  withConnection(file, (db) =>
    db
      .prepare<[string], { version_id: number; parts: number; token: string | null; size: number }>(
        `SELECT version_id, parts, token, length(data) AS size FROM versions
         WHERE board_id = ? ORDER BY version_id`,
      )
      .all(boardId),
  );

function shapesOf(state: Uint8Array): Y.Map<unknown> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc.getMap('shapes');
}

describe('SqliteStorage: large versions', () => {
  it(
    "stores a large version in parts, committed one by one: other boards' appends commit between them",
    () =>
      withSqliteStorage(async (s, file) => {
        const { doc, updates } = noisyBoard(400, 'a');
        await appendAll(s, 'big', updates);
        const writeOrder = recordWriteOrder(file, 'version_parts', 'versions', 'version');

        let done = false;
        const taking = take(s.versions, 'big', T0).finally(() => {
          done = true;
        });
        while (!done) await s.append('other', Uint8Array.of(0, 0));
        expect(await taking).toMatchObject({ taken: true });

        const [row] = versionRows(file, 'big');
        const [stored] = partsOf(file, 'big');
        expect(row).toMatchObject({ parts: stored!.parts, token: stored!.token, size: 0 });
        // At least three parts, each full but the last.
        expect(stored!.parts).toBeGreaterThanOrEqual(3);
        expect(stored!.bytes).toBeGreaterThan((stored!.parts - 1) * VERSION_PART_BYTES);
        expect(stored!.bytes).toBeLessThanOrEqual(stored!.parts * VERSION_PART_BYTES);

        const order = writeOrder();
        expect(order.filter((what) => what === 'part')).toHaveLength(stored!.parts);
        const first = order.indexOf('part');
        const written = order.indexOf('version');
        expect(first).toBeGreaterThanOrEqual(0);
        expect(written).toBeGreaterThan(first);
        // Appends committed while the version was being written, not only before or after it.
        expect(order.slice(first, written)).toContain('append');

        const [info] = await s.versions.list('big');
        const version = await s.versions.get('big', info!.versionId);
        expect(version!.info).toEqual(info);
        expect(version!.state.byteLength).toBe(info!.bytes);
        expect(shapesOf(version!.state).toJSON()).toEqual(doc.getMap('shapes').toJSON());
        // The board's version bytes are its parts.
        expect((await s.versions.boardBytes(['big'])).get('big')).toBe(stored!.bytes);
      }),
    // The first version in a fresh process also starts the snapshot worker.
    30_000,
  );

  it('deletes the parts of thinned versions, of a deleted board and those a dead writer left; a missing part is damage', () =>
    withSqliteStorage(async (s, file) => {
      const old = noisyBoard(300, 'old');
      await appendAll(s, 'big', old.updates);
      expect(await take(s.versions, 'big', T0 - 40 * DAY)).toMatchObject({ taken: true });
      const [thinned] = partsOf(file, 'big');
      expect(thinned!.parts).toBeGreaterThanOrEqual(2);
      // Parts no version names: one left by a writer that died two hours ago, one being written.
      withConnection(file, (db) => {
        const insert = db.prepare(
          `INSERT INTO version_parts (board_id, token, idx, written_at, data)
           VALUES ('big', ?, 0, ?, ?)`,
        );
        insert.run('dead-writer', Date.now() - 2 * 60 * 60 * 1000, Buffer.alloc(1000));
        insert.run('in-flight', Date.now(), Buffer.alloc(1000));
      });

      // Older than 30 days at the next take: the first version is thinned, its parts with it.
      const more = noisyBoard(300, 'new');
      await appendAll(s, 'big', more.updates);
      expect(await take(s.versions, 'big', T0)).toMatchObject({ taken: true, thinned: 1 });
      const rows = versionRows(file, 'big');
      expect(rows).toHaveLength(1);
      const tokens = partsOf(file, 'big').map((p) => p.token);
      expect(tokens).toEqual([rows[0]!.token, 'in-flight'].sort());

      const [info] = await s.versions.list('big');
      const version = await s.versions.get('big', info!.versionId);
      expect(shapesOf(version!.state).size).toBe(600);

      // A part gone (a bad manual repair): the version fails its check instead of being served.
      withConnection(file, (db) =>
        db
          .prepare('DELETE FROM version_parts WHERE board_id = ? AND token = ? AND idx = 1')
          .run('big', rows[0]!.token),
      );
      expect(await s.versions.get('big', info!.versionId)).toBeNull();

      await s.versions.deleteBoard('big');
      expect(await s.versions.list('big')).toEqual([]);
      expect(partsOf(file, 'big')).toEqual([]);
      expect((await s.versions.boardBytes(['big'])).get('big')).toBe(0);
    }));

  it('migrates a file of schema version 5: its versions are served as stored', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'boards.db');
    // Written as a version-5 server would: the version in its row.
    const doc = new Y.Doc();
    doc.getMap('shapes').set('kept', new Y.Map([['text', 'from before']]));
    const state = Y.encodeStateAsUpdate(doc);
    const data = deflateRawSync(state);
    withConnection(file, (db) => {
      for (const sql of MIGRATIONS.slice(0, 5)) db.exec(sql);
      db.pragma('user_version = 5');
      db.prepare('INSERT INTO boards (board_id, last_seq) VALUES (?, ?)').run('old', 1);
      db.prepare(
        `INSERT INTO versions (board_id, created_at, reason, editors, through_seq, bytes, data, crc)
         VALUES ('old', 1, 'leave', '[]', 1, ?, ?, ?)`,
      ).run(state.byteLength, data, versionChecksum('old', data));
    });
    const storage = new SqliteStorage({ file });
    try {
      const [info] = await storage.versions.list('old');
      const version = await storage.versions.get('old', info!.versionId);
      expect(Buffer.from(version!.state)).toEqual(Buffer.from(state));
      expect((await storage.versions.boardBytes(['old'])).get('old')).toBe(data.byteLength);
      await storage.versions.deleteBoard('old');
      expect(await storage.versions.list('old')).toEqual([]);
    } finally {
      await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
