import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { SqliteStorage } from '../SqliteStorage.js';
import { recordWriteOrder, withConnection, withSqliteStorage } from '../testing/sqliteFile.js';
import { SNAPSHOT_PART_BYTES } from './snapshotParts.js';

/** A board whose snapshot takes several parts: its doc, and the updates that built it. */
function largeBoard(shapes: number, from = 0): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = from; i < from + shapes; i += 100) {
    doc.transact(() => {
      for (let j = i; j < i + 100; j++) {
        doc.getMap('shapes').set(`shape-${j}`, new Y.Map([['text', `shape ${j} `.repeat(60)]]));
      }
    });
  }
  return { doc, updates };
}

async function appendAll(storage: SqliteStorage, boardId: string, updates: Uint8Array[]) {
  await Promise.all(updates.map((update) => storage.append(boardId, update)));
}

function shapesIn(updates: readonly Uint8Array[]): number {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getMap('shapes').size;
}

const tokens = (file: string, boardId: string): string[] =>
  withConnection(file, (db) =>
    db
      .prepare<[string], string>(
        'SELECT DISTINCT token FROM snapshot_parts WHERE board_id = ? ORDER BY token',
      )
      .pluck()
      .all(boardId),
  );

describe('SqliteStorage: large writes', () => {
  it(
    "stores a large snapshot in parts, committed one by one: other boards' appends commit between them",
    () =>
      withSqliteStorage(async (s, file) => {
        const { doc, updates } = largeBoard(1500);
        await appendAll(s, 'big', updates);
        const size = Y.encodeStateAsUpdate(doc).byteLength;
        expect(size).toBeGreaterThan(3 * SNAPSHOT_PART_BYTES);
        // What was written, in commit order, as the file itself records it.
        const writeOrder = recordWriteOrder(file, 'snapshot_parts', 'snapshots', 'snapshot');

        let done = false;
        const compaction = s.compact('big').finally(() => {
          done = true;
        });
        while (!done) await s.append('other', Uint8Array.of(0, 0));
        expect(await compaction).toMatchObject({ compacted: true, snapshotBytes: size });

        const order = writeOrder();
        const parts = order.filter((what) => what === 'part').length;
        expect(parts).toBe(Math.ceil(size / SNAPSHOT_PART_BYTES));
        const first = order.indexOf('part');
        const stored = order.indexOf('snapshot');
        expect(first).toBeGreaterThanOrEqual(0);
        expect(stored).toBeGreaterThan(first);
        // Appends committed while the snapshot was being written, not only before or after it.
        expect(order.slice(first, stored)).toContain('append');

        const board = await s.load('big');
        expect(board).toMatchObject({ snapshot: true, corrupt: 0 });
        expect(board.updates).toHaveLength(1);
        expect(Buffer.from(board.updates[0]!)).toEqual(Buffer.from(Y.encodeStateAsUpdate(doc)));
      }),
    // The first compaction in a fresh process also starts the snapshot worker.
    30_000,
  );

  it('deletes the parts a new snapshot replaces and those a dead writer left, and treats a missing part as damage', () =>
    withSqliteStorage(async (s, file) => {
      const first = largeBoard(800);
      await appendAll(s, 'big', first.updates);
      await s.compact('big');
      const [replaced] = tokens(file, 'big');
      expect(replaced).toBeDefined();
      // Parts nothing refers to: one left by a writer that died an hour ago, one being written now.
      withConnection(file, (db) => {
        const insert = db.prepare(
          'INSERT INTO snapshot_parts (board_id, token, idx, data, written_at) VALUES (?, ?, 0, ?, ?)',
        );
        insert.run('big', 'dead-writer', Buffer.alloc(1000), Date.now() - 2 * 60 * 60 * 1000);
        insert.run('big', 'in-flight', Buffer.alloc(1000), Date.now());
      });

      const more = largeBoard(500, 800);
      await appendAll(s, 'big', more.updates);
      expect(await s.compact('big')).toMatchObject({ compacted: true });
      const current = tokens(file, 'big').filter((token) => token !== 'in-flight');
      expect(current).toHaveLength(1);
      expect(current[0]).not.toBe(replaced);
      expect(tokens(file, 'big')).toContain('in-flight');
      expect(tokens(file, 'big')).not.toContain('dead-writer');
      expect(shapesIn((await s.load('big')).updates)).toBe(1300);

      // The listing counts the parts the board's snapshot is made of, not the orphans.
      const partBytes = withConnection(file, (db) =>
        db
          .prepare<[string, string], number>(
            'SELECT sum(length(data)) FROM snapshot_parts WHERE board_id = ? AND token = ?',
          )
          .pluck()
          .get('big', current[0]!),
      );
      const listed = (await s.boards.list()).find((board) => board.id === 'big');
      expect(listed?.bytes).toBe(partBytes);

      // A part gone (a bad manual repair): the snapshot fails its check; the records after it load.
      const after = new Y.Doc();
      let last: Uint8Array | undefined;
      after.on('update', (update: Uint8Array) => {
        last = update;
      });
      after.getMap('shapes').set('late', 1);
      await s.append('big', last!);
      withConnection(file, (db) =>
        db
          .prepare('DELETE FROM snapshot_parts WHERE board_id = ? AND token = ? AND idx = 1')
          .run('big', current[0]!),
      );
      const damaged = await s.load('big');
      expect(damaged).toMatchObject({ corrupt: 1, snapshot: false });
      expect(damaged.updates).toEqual([last]);
    }));
});
