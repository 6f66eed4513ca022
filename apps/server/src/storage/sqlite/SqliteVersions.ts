import { randomUUID } from 'node:crypto';
import type { Packed } from '../../workers/packing.js';
import type { RpcWorker } from '../../workers/RpcWorker.js';
import { ownBytes } from '../../workers/serveRpc.js';
import { versionChecksum } from '../records.js';
import type {
  StoredVersion,
  TakeOptions,
  TakeResult,
  VersionInfo,
  VersionStore,
} from '../VersionStore.js';
import { type BuiltVersion, inflateVersion } from '../versionSnapshot.js';
import { dropParts, VERSION_PART_METHODS as PART_METHODS, writeParts } from './partCalls.js';
import { VERSION_PART_BYTES } from './versionParts.js';
import type { DeflatedVersion, VersionWritten, WrittenContent } from './versionTables.js';

const NO_BYTES = new Uint8Array(0);

/**
 * The versions of a SQLite file: calls to the storage workers (see `versionTables.ts`). A
 * version is built in the snapshot worker (`build`), not in the storage worker, which must stay
 * free for the commits every ack waits on; a large one is written there part by part, each
 * part a call (and a commit) of its own, so the appends queued meanwhile commit between them
 * (`versionParts.ts`), and the parts of thinned versions are deleted the same way. Versions are
 * read (a stored one is megabytes for a large board) on the reader.
 */
export class SqliteVersions implements VersionStore {
  readonly name = 'versions';
  constructor(
    private readonly worker: RpcWorker,
    /** The storage's reader: a version's records, and versions, are read there. */
    private readonly reader: RpcWorker,
    private readonly assertOpen: () => void,
    /** Appends already queued belong in a version taken now. */
    private readonly flush: () => Promise<void>,
    private readonly build: (updates: Packed) => Promise<BuiltVersion>,
  ) {}

  async noteEditors(boardId: string, names: readonly string[], now: number): Promise<void> {
    await this.#call('versionNoteEditors', [boardId, [...names], now]);
  }

  async take(boardId: string, options: TakeOptions): Promise<TakeResult> {
    await this.flush();
    this.assertOpen();
    const input = await this.reader.call<
      { skip: TakeResult } | { throughSeq: number; updates: Packed }
    >('versionInput', [boardId, options]);
    if ('skip' in input) return input.skip;
    // The records and the version pass through this thread by transfer, never copied here.
    const { data: built, ...rest } = await this.build(input.updates);
    const data = ownBytes(built);
    if (data.byteLength <= VERSION_PART_BYTES) {
      const written = await this.worker.call<VersionWritten>(
        'versionWrite',
        [boardId, options, input.throughSeq, { ...rest, data }],
        [data.buffer as ArrayBuffer],
      );
      return this.#dropUnused(boardId, written);
    }
    const token = randomUUID();
    const { parts, crc } = await writeParts(
      this.worker,
      PART_METHODS,
      boardId,
      token,
      data,
      VERSION_PART_BYTES,
      versionChecksum(boardId, NO_BYTES),
    );
    const content: WrittenContent = { ...rest, token, parts, crc };
    // Not dropped if this fails: the row may have been written before the answer was lost. Parts
    // no version names are swept as orphans later.
    const written = await this.worker.call<VersionWritten>('versionWrite', [
      boardId,
      options,
      input.throughSeq,
      content,
    ]);
    // Skipped (another writer took one meanwhile): its own parts are among those to drop.
    const result = await this.#dropUnused(boardId, written);
    if (result.taken) {
      const orphans = await this.worker.call<string[]>('versionOrphanParts', [boardId, Date.now()]);
      for (const orphan of orphans) await this.#dropParts(boardId, orphan);
    }
    return result;
  }

  /** Deletes the parts a version's write left unused (thinned versions'); its result. */
  async #dropUnused(boardId: string, written: VersionWritten): Promise<TakeResult> {
    for (const token of written.drop) await this.#dropParts(boardId, token);
    return written.result;
  }

  /** Deletes the parts of `token` (null: every version part of the board), a few at a time. */
  #dropParts(boardId: string, token: string | null): Promise<void> {
    return dropParts(this.worker, PART_METHODS, boardId, token);
  }

  list(boardId: string): Promise<VersionInfo[]> {
    return this.#call('versionList', [boardId], this.reader);
  }

  async get(boardId: string, versionId: number): Promise<StoredVersion | null> {
    const stored = await this.#call<DeflatedVersion | null>(
      'versionGet',
      [boardId, versionId],
      this.reader,
    );
    if (!stored) return null;
    try {
      return { info: stored.info, state: await inflateVersion(stored.data) };
    } catch {
      return null;
    }
  }

  boardBytes(boardIds: readonly string[]): Promise<Map<string, number>> {
    return this.#call('versionBoardBytes', [[...boardIds]], this.reader);
  }

  async deleteBoard(boardId: string): Promise<void> {
    await this.#call('versionDeleteBoard', [boardId]);
    await this.#dropParts(boardId, null);
  }

  async #call<T>(method: string, args: unknown[], worker = this.worker): Promise<T> {
    this.assertOpen();
    return worker.call<T>(method, args);
  }
}
