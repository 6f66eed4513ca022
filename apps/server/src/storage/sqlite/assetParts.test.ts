/**
 * A large image takes turns with the commits: its bytes are written in parts. Ordering and bytes
 * on disk, not timing.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SqliteStorage } from '../SqliteStorage.js';
import { asset, MB } from '../testing/boardDataKit.js';
import { withConnection, withSqliteStorage } from '../testing/sqliteFile.js';
import { ASSET_PART_BYTES } from './assetParts.js';

const HOUR = 60 * 60 * 1000;
const hashOf = (data: Uint8Array | undefined) =>
  data && createHash('sha256').update(data).digest('hex');

/** Every part in the file: its token and size. */
const partsIn = (file: string) =>
  withConnection(file, (db) =>
    db
      .prepare<[], { token: string; bytes: number }>(
        'SELECT token, length(data) AS bytes FROM asset_parts ORDER BY token, idx',
      )
      .all(),
  );

const put = (s: SqliteStorage, boardId: string, a: ReturnType<typeof asset>, now = Date.now()) =>
  s.assets.put(boardId, a, { maxBoardBytes: 100 * MB, now });

describe('SqliteStorage: large images', () => {
  it("stores a large image in parts, committed one by one: other boards' appends commit between them", () =>
    withSqliteStorage(async (s, file) => {
      const big = asset('big', 3 * MB + 5);
      withConnection(file, (db) =>
        db.exec(`
        CREATE TABLE write_order (n INTEGER PRIMARY KEY, what TEXT NOT NULL);
        CREATE TRIGGER log_append AFTER INSERT ON updates
          BEGIN INSERT INTO write_order (what) VALUES ('append'); END;
        CREATE TRIGGER log_part AFTER INSERT ON asset_parts
          BEGIN INSERT INTO write_order (what) VALUES ('part'); END;
        CREATE TRIGGER log_asset AFTER INSERT ON assets
          BEGIN INSERT INTO write_order (what) VALUES ('asset'); END;`),
      );

      let done = false;
      const upload = put(s, 'pictures', big).finally(() => {
        done = true;
      });
      while (!done) await s.append('other', Uint8Array.of(0, 0));
      expect(await upload).toMatchObject({ ok: true, created: true });

      const order = withConnection(file, (db) =>
        db.prepare<[], string>('SELECT what FROM write_order ORDER BY n').pluck().all(),
      );
      const first = order.indexOf('part');
      const stored = order.indexOf('asset');
      expect(order.filter((what) => what === 'part')).toHaveLength(
        Math.ceil(big.data.byteLength / ASSET_PART_BYTES),
      );
      expect(first).toBeGreaterThanOrEqual(0);
      expect(stored).toBeGreaterThan(first);
      // Appends committed while the image was being written, not only before or after it.
      expect(order.slice(first, stored)).toContain('append');

      // On disk: the row holds no bytes, its parts hold them all, none larger than a part.
      const row = withConnection(file, (db) =>
        db
          .prepare<[string], { bytes: number; inRow: number; parts: number; token: string }>(
            'SELECT bytes, length(data) AS inRow, parts, token FROM assets WHERE asset_id = ?',
          )
          .get(big.assetId),
      );
      expect(row).toMatchObject({ bytes: big.data.byteLength, inRow: 0, parts: 13 });
      const parts = partsIn(file);
      expect(parts.every((part) => part.token === row!.token)).toBe(true);
      expect(parts.every((part) => part.bytes <= ASSET_PART_BYTES)).toBe(true);
      expect(parts.reduce((sum, part) => sum + part.bytes, 0)).toBe(big.data.byteLength);
      expect(hashOf((await s.assets.get('pictures', big.assetId))?.data)).toBe(big.assetId);
    }));

  it('keeps a small image in its row', () =>
    withSqliteStorage(async (s, file) => {
      const small = asset('small', ASSET_PART_BYTES);
      await put(s, 'pictures', small);
      expect(partsIn(file)).toEqual([]);
      expect(hashOf((await s.assets.get('pictures', small.assetId))?.data)).toBe(small.assetId);
    }));

  it('deletes the parts of what it deletes, those a dead upload left, and those a lost race wrote', () =>
    withSqliteStorage(async (s, file) => {
      const [kept, dropped, raced] = ['kept', 'dropped', 'raced'].map((seed) =>
        asset(seed, MB + 1),
      );
      await put(s, 'keep', kept!);
      await put(s, 'drop', dropped!);
      // The same bytes to two boards at once: one copy stays.
      await Promise.all([put(s, 'race-1', raced!), put(s, 'race-2', raced!)]);
      const tokensOf = () => [...new Set(partsIn(file).map((part) => part.token))].sort();
      expect(tokensOf()).toHaveLength(3);
      // Parts nothing refers to: left by an upload that died two hours ago, and one in flight.
      withConnection(file, (db) => {
        const insert = db.prepare(
          'INSERT INTO asset_parts (token, idx, written_at, data) VALUES (?, 0, ?, ?)',
        );
        insert.run('dead-upload', Date.now() - 2 * HOUR, Buffer.alloc(1000));
        insert.run('in-flight', Date.now(), Buffer.alloc(1000));
      });

      await s.assets.deleteBoard('drop');
      expect(await s.assets.collectGarbage({ now: Date.now(), graceMs: HOUR })).toEqual({
        links: 0,
        assets: 0,
      });
      const tokenOf = (assetId: string) =>
        withConnection(file, (db) =>
          db
            .prepare<[string], string>('SELECT token FROM assets WHERE asset_id = ?')
            .pluck()
            .get(assetId),
        );
      expect(tokenOf(dropped!.assetId)).toBeUndefined();
      expect(tokensOf()).toEqual(
        [tokenOf(kept!.assetId), tokenOf(raced!.assetId), 'in-flight'].sort(),
      );
      for (const [board, a] of [
        ['keep', kept!],
        ['race-1', raced!],
        ['race-2', raced!],
      ] as const) {
        expect(hashOf((await s.assets.get(board, a.assetId))?.data)).toBe(a.assetId);
      }
    }));

  it('treats a missing part as damage', () =>
    withSqliteStorage(async (s, file) => {
      const big = asset('gap', MB);
      await put(s, 'pictures', big);
      withConnection(file, (db) => db.exec('DELETE FROM asset_parts WHERE idx = 2'));
      expect(await s.assets.get('pictures', big.assetId)).toBeNull();
      expect(await s.assets.getMany('pictures', [big.assetId], 10 * MB)).toEqual([]);
    }));
});
