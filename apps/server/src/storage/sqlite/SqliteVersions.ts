import type { RpcWorker } from '../../workers/RpcWorker.js';
import type {
  StoredVersion,
  TakeOptions,
  TakeResult,
  VersionInfo,
  VersionStore,
} from '../VersionStore.js';

/** The versions of a SQLite file: calls to the storage worker (see `versionTables.ts`). */
export class SqliteVersions implements VersionStore {
  readonly name = 'versions';
  constructor(
    private readonly worker: RpcWorker,
    private readonly assertOpen: () => void,
    /** Appends already queued belong in a version taken now. */
    private readonly flush: () => Promise<void>,
  ) {}

  async noteEditors(boardId: string, names: readonly string[], now: number): Promise<void> {
    await this.#call('versionNoteEditors', [boardId, [...names], now]);
  }

  async take(boardId: string, options: TakeOptions): Promise<TakeResult> {
    await this.flush();
    return this.#call('versionTake', [boardId, options]);
  }

  list(boardId: string): Promise<VersionInfo[]> {
    return this.#call('versionList', [boardId]);
  }

  get(boardId: string, versionId: number): Promise<StoredVersion | null> {
    return this.#call('versionGet', [boardId, versionId]);
  }

  boardBytes(boardIds: readonly string[]): Promise<Map<string, number>> {
    return this.#call('versionBoardBytes', [[...boardIds]]);
  }

  async deleteBoard(boardId: string): Promise<void> {
    await this.#call('versionDeleteBoard', [boardId]);
  }

  async #call<T>(method: string, args: unknown[]): Promise<T> {
    this.assertOpen();
    return this.worker.call<T>(method, args);
  }
}
