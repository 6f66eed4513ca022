import type {
  BoardCatalog,
  BoardSummary,
  LinkRecord,
  LinkState,
  LinkStore,
  NewLink,
  RecentRevocations,
} from '../Catalog.js';

/** Calls the storage worker once queued appends are settled (and throws once closed). */
export type CatalogCall = <T>(method: string, args: unknown[]) => Promise<T>;

/** `storage.links` of `SqliteStorage`: each call answered by `SqliteCatalog` in the worker. */
export function sqliteLinks(call: CatalogCall): LinkStore {
  return {
    record: (link: NewLink) => call<void>('recordLink', [link]),
    list: (scope) => call<LinkRecord[]>('listLinks', [scope]),
    revoke: (scope, linkId, at) => call<LinkRecord | null>('revokeLink', [scope, linkId, at]),
    revokeAll: (scope, at) => call<string[]>('revokeAll', [scope, at]),
    state: (scope, linkId) => call<LinkState>('linkState', [scope, linkId]),
    revokedSince: (since) => call<RecentRevocations>('revokedSince', [since]),
  };
}

/** `storage.boards` of `SqliteStorage`. */
export function sqliteBoards(call: CatalogCall): BoardCatalog {
  return {
    list: () => call<BoardSummary[]>('listBoards', []),
    delete: (boardId, at) => call<boolean>('deleteBoard', [boardId, at]),
    setName: (boardId, name) => call<void>('setName', [boardId, name]),
  };
}
