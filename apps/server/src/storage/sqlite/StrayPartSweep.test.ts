import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { HOUR, noisyBoard, T0, take } from '../testing/boardDataKit.js';
import { withConnection, withSqliteStorage } from '../testing/sqliteFile.js';

const tokens = (file: string, table: 'snapshot_parts' | 'version_parts') =>
  withConnection(file, (db) =>
    db
      .prepare<[], { board: string; token: string }>(
        `SELECT DISTINCT board_id AS board, token FROM ${table} ORDER BY board_id, token`,
      )
      .all(),
  );

function shapesOf(updates: Uint8Array[]): unknown {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getMap('shapes').toJSON();
}

describe('SqliteStorage: stray parts', () => {
  it(
    "deletes, on every board, the parts nothing names once they are an hour old, and nothing a board's snapshot or version names",
    () =>
      withSqliteStorage(async (s, file) => {
        // A board whose snapshot and version are in parts: all of them stay.
        const kept = noisyBoard(300, 'kept');
        await Promise.all(kept.updates.map((update) => s.append('kept', update)));
        expect(await take(s.versions, 'kept', T0)).toMatchObject({ taken: true });
        expect(await s.compact('kept')).toMatchObject({ compacted: true });
        const [snapshot] = tokens(file, 'snapshot_parts');
        const [version] = tokens(file, 'version_parts');
        expect(snapshot).toMatchObject({ board: 'kept' });
        expect(version).toMatchObject({ board: 'kept' });

        // A board whose deletion stopped after its version rows: its parts are named by nothing.
        const gone = noisyBoard(300, 'gone');
        await Promise.all(gone.updates.map((update) => s.append('gone', update)));
        expect(await take(s.versions, 'gone', T0)).toMatchObject({ taken: true });
        withConnection(file, (db) =>
          db.prepare("DELETE FROM versions WHERE board_id = 'gone'").run(),
        );

        // 40 snapshot writes a dead writer left on a board nobody compacts again (more than one
        // look finds), and a version write still under way.
        withConnection(file, (db) => {
          const snapshotPart = db.prepare(
            `INSERT INTO snapshot_parts (board_id, token, idx, data, written_at)
           VALUES ('idle', ?, ?, ?, ?)`,
          );
          for (let i = 0; i < 40; i++) {
            for (let idx = 0; idx < 2; idx++)
              snapshotPart.run(`dead-${i}`, idx, Buffer.alloc(500), Date.now());
          }
          db.prepare(
            `INSERT INTO version_parts (board_id, token, idx, written_at, data)
           VALUES ('idle', 'in-flight', 0, ?, ?)`,
          ).run(Date.now(), Buffer.alloc(500));
        });

        // Nothing is swept before it is an hour old.
        expect(await s.sweepStrayParts()).toBe(0);
        expect(tokens(file, 'snapshot_parts')).toHaveLength(41);

        withConnection(file, (db) => {
          db.prepare('UPDATE snapshot_parts SET written_at = written_at - ?').run(2 * HOUR);
          db.prepare(
            "UPDATE version_parts SET written_at = written_at - ? WHERE token <> 'in-flight'",
          ).run(2 * HOUR);
        });
        expect(await s.sweepStrayParts()).toBe(41);
        expect(tokens(file, 'snapshot_parts')).toEqual([snapshot]);
        expect(tokens(file, 'version_parts')).toEqual([
          { board: 'idle', token: 'in-flight' },
          version,
        ]);
        expect(await s.sweepStrayParts()).toBe(0);

        // What the kept board's rows name still reads back whole.
        const expected = kept.doc.getMap('shapes').toJSON();
        expect(shapesOf((await s.load('kept')).updates)).toEqual(expected);
        const [info] = await s.versions.list('kept');
        expect(shapesOf([(await s.versions.get('kept', info!.versionId))!.state])).toEqual(
          expected,
        );
      }),
    30_000,
  );
});
