/**
 * The hook for data a feature keeps per board beside the board's document (image assets,
 * version history, ...). Each store is handed to `createServer({ boardData: [...] })`; when an
 * operator deletes a board (`DELETE /api/boards/:id`), every store's `deleteBoard` runs after
 * the board's members were removed on every node and its document was deleted.
 */
export interface BoardDataStore {
  /** Names the store in logs (e.g. `assets`, `versions`). */
  readonly name: string;
  /** Deletes everything the store holds for the board. Idempotent: it may run twice. */
  deleteBoard(boardId: string): Promise<void>;
  /** Optional: bytes the store holds per board, added to the sizes `GET /api/boards` lists. */
  boardBytes?(boardIds: readonly string[]): Promise<Map<string, number>>;
}
