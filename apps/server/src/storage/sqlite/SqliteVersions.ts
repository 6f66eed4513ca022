import type { Packed } from '../../workers/packing.js';
import type { RpcWorker } from '../../workers/RpcWorker.js';
import { ownBytes } from '../../workers/serveRpc.js';
import type {
  StoredVersion,
  TakeOptions,
  TakeResult,
  VersionInfo,
  VersionStore,
} from '../VersionStore.js';
import { type BuiltVersion, inflateVersion } from '../versionSnapshot.js';
import type { DeflatedVersion } from './versionTables.js';

/**
 * The versions of a SQLite file: calls to the storage workers (see `versionTables.ts`). A
 * version is built in the snapshot worker (`build`), not in the storage worker, which must stay
 * free for the commits every ack waits on; versions are read (a stored one is megabytes for a
 * large board) on the reader.
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
    const built = await this.build(input.updates);
    const data = ownBytes(built.data);
    return this.worker.call<TakeResult>(
      'versionWrite',
      [boardId, options, input.throughSeq, { ...built, data }],
      [data.buffer as ArrayBuffer],
    );
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
  }

  async #call<T>(method: string, args: unknown[], worker = this.worker): Promise<T> {
    this.assertOpen();
    return worker.call<T>(method, args);
  }
}
