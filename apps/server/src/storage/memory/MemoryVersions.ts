import type { StoredBoard } from '../Storage.js';
import type {
  StoredVersion,
  TakeOptions,
  TakeResult,
  VersionInfo,
  VersionStore,
} from '../VersionStore.js';
import { skipReason, versionsToDrop } from '../versionRules.js';
import { buildVersion, inflateVersion } from '../versionSnapshot.js';

interface Version {
  info: VersionInfo;
  data: Uint8Array;
  assetIds: string[];
}

/** The version contract in memory: the reference behaviour for `versionContract.ts`. */
export class MemoryVersions implements VersionStore {
  readonly name = 'versions';
  readonly #versions = new Map<string, Version[]>();
  readonly #editors = new Map<string, Set<string>>();
  #nextId = 1;

  constructor(
    private readonly board: {
      head(boardId: string): number;
      read(boardId: string): Promise<StoredBoard>;
    },
  ) {}

  async noteEditors(boardId: string, names: readonly string[]): Promise<void> {
    const set = this.#editors.get(boardId) ?? new Set<string>();
    for (const name of names) set.add(name);
    this.#editors.set(boardId, set);
  }

  async take(boardId: string, options: TakeOptions): Promise<TakeResult> {
    const stored = await this.board.read(boardId);
    const list = this.#versions.get(boardId) ?? [];
    const skipped = skipReason(this.board.head(boardId), this.#newest(boardId)?.info, options);
    if (skipped) return { taken: false, skipped };
    const built = buildVersion(stored.updates);
    const info: VersionInfo = {
      versionId: this.#nextId++,
      boardId,
      createdAt: options.now,
      reason: options.reason,
      editors: [...(this.#editors.get(boardId) ?? [])].sort(),
      throughSeq: stored.lastSeq,
      bytes: built.bytes,
    };
    this.#editors.delete(boardId);
    list.push({ info, data: built.data, assetIds: built.assetIds });
    const drop = new Set(
      versionsToDrop(
        list.map((v) => v.info),
        options.now,
        options.retention,
      ),
    );
    this.#versions.set(
      boardId,
      list.filter((v) => !drop.has(v.info.versionId)),
    );
    return { taken: true, version: info, thinned: drop.size };
  }

  async list(boardId: string): Promise<VersionInfo[]> {
    return (this.#versions.get(boardId) ?? [])
      .map((v) => v.info)
      .sort((a, b) => b.createdAt - a.createdAt || b.versionId - a.versionId);
  }

  async get(boardId: string, versionId: number): Promise<StoredVersion | null> {
    const version = this.#versions.get(boardId)?.find((v) => v.info.versionId === versionId);
    return version ? { info: version.info, state: await inflateVersion(version.data) } : null;
  }

  async boardBytes(boardIds: readonly string[]): Promise<Map<string, number>> {
    return new Map(
      boardIds.map((id) => [
        id,
        (this.#versions.get(id) ?? []).reduce((sum, v) => sum + v.data.byteLength, 0),
      ]),
    );
  }

  async deleteBoard(boardId: string): Promise<void> {
    this.#versions.delete(boardId);
    this.#editors.delete(boardId);
  }

  /** For the asset store: what keeps assets. */
  newestSeq(boardId: string): number {
    return this.#newest(boardId)?.info.throughSeq ?? 0;
  }

  refers(boardId: string, assetId: string): boolean {
    return (this.#versions.get(boardId) ?? []).some((v) => v.assetIds.includes(assetId));
  }

  #newest(boardId: string): Version | undefined {
    return (this.#versions.get(boardId) ?? []).reduce<Version | undefined>(
      (best, v) =>
        !best ||
        v.info.createdAt > best.info.createdAt ||
        (v.info.createdAt === best.info.createdAt && v.info.versionId > best.info.versionId)
          ? v
          : best,
      undefined,
    );
  }
}
