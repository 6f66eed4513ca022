import { Idb } from '../util/idb.js';

/** A board this browser opened, as the home page lists it. */
export interface RecentBoard {
  boardId: string;
  name: string;
  /** Milliseconds since the epoch. */
  lastVisit: number;
  /** The link's token, so the entry opens the board as the link did; null on open boards. */
  token: string | null;
  /** A small PNG of the board as last seen here. */
  thumbnail: Blob | null;
}

const BOARDS = 'boards';

/**
 * The boards this browser has opened, kept in this browser only (IndexedDB): a board URL is a
 * capability, so there is no list of boards on the server to show. Every method tolerates
 * storage being unavailable (a private window, storage blocked): the list is then empty.
 */
export class RecentBoards {
  readonly #db = new Idb('drawbridge-home', 1, [{ name: BOARDS, keyPath: 'boardId' }]);

  /** Most recently visited first. */
  async list(): Promise<RecentBoard[]> {
    const all = await this.#db.getAll<RecentBoard>(BOARDS).catch(() => []);
    return all.sort((a, b) => b.lastVisit - a.lastVisit);
  }

  async visit(boardId: string, token: string | null, now: number): Promise<void> {
    await this.#update(boardId, (entry) => ({ ...entry, lastVisit: now, token }));
  }

  async rename(boardId: string, name: string): Promise<void> {
    await this.#update(boardId, (entry) => ({ ...entry, name }));
  }

  async setThumbnail(boardId: string, thumbnail: Blob): Promise<void> {
    await this.#update(boardId, (entry) => ({ ...entry, thumbnail }));
  }

  async remove(boardId: string): Promise<void> {
    await this.#db.delete(BOARDS, boardId).catch(() => undefined);
  }

  async #update(boardId: string, change: (entry: RecentBoard) => RecentBoard): Promise<void> {
    const blank: RecentBoard = { boardId, name: '', lastVisit: 0, token: null, thumbnail: null };
    await this.#db
      .update<RecentBoard>(BOARDS, boardId, (entry) => change(entry ?? blank))
      // Without storage the home page has nothing to show; the board works the same.
      .catch(() => undefined);
  }
}
