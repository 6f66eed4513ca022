import type Database from 'better-sqlite3';
import { versionChecksum } from '../records.js';
import type { StoredBoard } from '../Storage.js';
import type { TakeOptions, TakeResult, VersionInfo } from '../VersionStore.js';
import {
  readVersionRow,
  skipReason,
  VERSION_COLUMNS,
  type VersionRow,
  versionsToDrop,
} from '../versionRules.js';
import type { BuiltVersion } from '../versionSnapshot.js';
import { prepareVersionParts, type VersionContent, type VersionParts } from './versionParts.js';

/**
 * The worker side of `SqliteVersions`. A version is built from the records as stored (read
 * through `read`, built in the snapshot worker), its parts written first when it is large
 * (`versionParts.ts`), then written in an IMMEDIATE transaction that checks again that no other
 * writer of the file took one meanwhile, credits the editors noted since the last one, and
 * thins the board's versions by the retention policy.
 */
export interface DeflatedVersion {
  info: VersionInfo;
  data: Uint8Array;
}

/** A built version as it is written: its content, in its row or in parts already written. */
export type WrittenContent = Omit<BuiltVersion, 'data'> & VersionContent;

/** What `write` did, and the parts nothing refers to any more (thinned versions', or its own). */
export interface VersionWritten {
  result: TakeResult;
  drop: string[];
}

const EMPTY = new Uint8Array(0);

export class SqliteVersionTables {
  readonly #head;
  readonly #newest;
  readonly #list;
  readonly #one;
  readonly #noteEditors;
  readonly #write;
  readonly #deleteBoard;
  readonly #boardBytes;
  readonly #partBytes;
  readonly parts: VersionParts;

  constructor(
    db: Database.Database,
    private readonly read: (boardId: string) => StoredBoard,
  ) {
    const head = db.prepare<[string], number>('SELECT last_seq FROM boards WHERE board_id = ?');
    head.pluck();
    this.#head = head;
    const newest = db.prepare<[string], VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM versions WHERE board_id = ?
       ORDER BY created_at DESC, version_id DESC LIMIT 1`,
    );
    this.#newest = newest;
    this.#boardBytes = db.prepare<[string], { board_id: string; bytes: number }>(
      `SELECT board_id, sum(length(data)) AS bytes FROM versions
       WHERE board_id IN (SELECT value FROM json_each(?)) GROUP BY board_id`,
    );
    this.#partBytes = db.prepare<[string], { board_id: string; bytes: number }>(
      `SELECT board_id, sum(length(data)) AS bytes FROM version_parts
       WHERE board_id IN (SELECT value FROM json_each(?)) GROUP BY board_id`,
    );
    const parts = prepareVersionParts(db);
    this.parts = parts;
    this.#list = db.prepare<[string], VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM versions WHERE board_id = ? ORDER BY created_at DESC, version_id DESC`,
    );
    this.#one = db.prepare<
      [string, number],
      VersionRow & { data: unknown; crc: number; parts: number; token: string | null }
    >(
      `SELECT ${VERSION_COLUMNS}, data, crc, parts, token FROM versions
       WHERE board_id = ? AND version_id = ?`,
    );
    const upsertEditor = db.prepare<[string, string, number]>(
      `INSERT INTO board_editors (board_id, name, edited_at) VALUES (?, ?, ?)
       ON CONFLICT (board_id, name) DO UPDATE SET edited_at = excluded.edited_at`,
    );
    this.#noteEditors = db
      .transaction((boardId: string, names: readonly string[], now: number) => {
        for (const name of names) upsertEditor.run(boardId, name, now);
      })
      .immediate.bind(null);

    const takeEditors = db.prepare<[string], { name: string }>(
      'DELETE FROM board_editors WHERE board_id = ? RETURNING name',
    );
    const insert = db.prepare(
      `INSERT INTO versions
         (board_id, created_at, reason, editors, through_seq, bytes, data, crc, parts, token)
       VALUES
         (@boardId, @createdAt, @reason, @editors, @throughSeq, @bytes, @data, @crc, @parts, @token)`,
    );
    const tokenOf = db.prepare<[number], string | null>(
      'SELECT token FROM versions WHERE version_id = ?',
    );
    tokenOf.pluck();
    const insertAsset = db.prepare<[number, string, string]>(
      'INSERT INTO version_assets (version_id, board_id, asset_id) VALUES (?, ?, ?)',
    );
    const dropVersion = db.prepare<[number]>('DELETE FROM versions WHERE version_id = ?');
    const dropVersionAssets = db.prepare<[number]>(
      'DELETE FROM version_assets WHERE version_id = ?',
    );
    /** Drops a version's row; returns the token of its parts, if it has any. */
    const drop = (versionId: number): string | null => {
      const token = tokenOf.get(versionId) ?? null;
      dropVersionAssets.run(versionId);
      dropVersion.run(versionId);
      return token;
    };
    this.#write = db
      .transaction(
        (
          boardId: string,
          options: TakeOptions,
          throughSeq: number,
          built: WrittenContent,
        ): VersionWritten => {
          const own = 'token' in built ? [built.token] : [];
          const latest = newest.get(boardId);
          const skipped = skipReason(throughSeq, latest && readVersionRow(latest), options);
          if (skipped) return { result: { taken: false, skipped }, drop: own };
          if ('token' in built && !parts.complete(boardId, built.token, built.parts)) {
            throw new Error(`version parts of ${boardId} are missing`);
          }
          const editors = [...new Set(takeEditors.all(boardId).map((row) => row.name))].sort();
          const row = {
            boardId,
            createdAt: options.now,
            reason: options.reason,
            editors: JSON.stringify(editors),
            throughSeq,
            bytes: built.bytes,
            ...('token' in built
              ? { data: EMPTY, crc: built.crc, parts: built.parts, token: built.token }
              : {
                  data: built.data,
                  crc: versionChecksum(boardId, built.data),
                  parts: 0,
                  token: null,
                }),
          };
          const versionId = Number(insert.run(row).lastInsertRowid);
          for (const assetId of built.assetIds) insertAsset.run(versionId, boardId, assetId);
          const dropped = versionsToDrop(
            this.#list.all(boardId).map(readVersionRow),
            options.now,
            options.retention,
          );
          const unused: string[] = [];
          for (const id of dropped) {
            const token = drop(id);
            if (token !== null) unused.push(token);
          }
          const version: VersionInfo = {
            versionId,
            boardId,
            createdAt: options.now,
            reason: options.reason,
            editors,
            throughSeq,
            bytes: built.bytes,
          };
          return { result: { taken: true, version, thinned: dropped.length }, drop: unused };
        },
      )
      .immediate.bind(null);

    const dropBoard = [
      db.prepare<[string]>('DELETE FROM version_assets WHERE board_id = ?'),
      db.prepare<[string]>('DELETE FROM versions WHERE board_id = ?'),
      db.prepare<[string]>('DELETE FROM board_editors WHERE board_id = ?'),
    ];
    this.#deleteBoard = db
      .transaction((boardId: string) => {
        for (const statement of dropBoard) statement.run(boardId);
      })
      .immediate.bind(null);
  }

  noteEditors(boardId: string, names: readonly string[], now: number): void {
    if (names.length > 0) this.#noteEditors(boardId, names, now);
  }

  /**
   * What a version needs, read here: the board's records through `throughSeq`, or why no
   * version is due. The version is built elsewhere (this thread also serves every commit), then
   * written with `write`.
   */
  takeInput(
    boardId: string,
    options: TakeOptions,
  ): { skip: TakeResult } | { throughSeq: number; updates: Uint8Array[] } {
    const head = this.#head.get(boardId) ?? 0;
    const latest = this.#newest.get(boardId);
    const skipped = skipReason(head, latest && readVersionRow(latest), options);
    if (skipped) return { skip: { taken: false, skipped } };
    const board = this.read(boardId);
    return { throughSeq: board.lastSeq, updates: board.updates };
  }

  /**
   * Writes a version built from `takeInput`'s records (its parts, if any, written before),
   * unless one was taken meanwhile. The parts it names in `drop` are deleted by the caller, a
   * few at a time (`parts.drop`).
   */
  write(
    boardId: string,
    options: TakeOptions,
    throughSeq: number,
    built: WrittenContent,
  ): VersionWritten {
    return this.#write(boardId, options, throughSeq, built);
  }

  list(boardId: string): VersionInfo[] {
    return this.#list.all(boardId).map(readVersionRow);
  }

  /** A version as stored (deflated; see `inflateVersion`), if its checksum holds. */
  getDeflated(boardId: string, versionId: number): DeflatedVersion | null {
    const row = this.#one.get(boardId, versionId);
    if (!row) return null;
    // A version in parts is read whole; a missing part fails like a damaged row.
    const data = row.parts > 0 ? this.parts.join(boardId, row.token ?? '', row.parts) : row.data;
    if (!(data instanceof Uint8Array)) return null;
    if (versionChecksum(boardId, data) !== row.crc) return null;
    return { info: readVersionRow(row), data };
  }

  boardBytes(boardIds: readonly string[]): Map<string, number> {
    const sizes = new Map(boardIds.map((id) => [id, 0]));
    const ids = JSON.stringify(boardIds);
    for (const rows of [this.#boardBytes.all(ids), this.#partBytes.all(ids)]) {
      for (const row of rows) sizes.set(row.board_id, (sizes.get(row.board_id) ?? 0) + row.bytes);
    }
    return sizes;
  }

  /** Deletes the board's versions; their parts are left to `parts.drop(boardId, null, ...)`. */
  deleteBoard(boardId: string): void {
    this.#deleteBoard(boardId);
  }
}
