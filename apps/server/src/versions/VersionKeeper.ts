import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import {
  type RetentionPolicy,
  type TakeResult,
  VersionReason,
  type VersionStore,
} from '../storage/VersionStore.js';

export interface VersionKeeperOptions {
  versions: VersionStore;
  clock: Clock;
  logger: Logger;
  /** While a board is edited, at most one version per this interval. */
  intervalMs: number;
  retention: RetentionPolicy;
  /** Settles the appends this node made to the board, so a version taken now holds them. */
  flush: (boardId: string) => Promise<void>;
  /** Told about every attempt (metrics, tests). */
  onTake?: (boardId: string, result: TakeResult) => void;
}

/** An editor is noted in storage at most this often per board and node. */
const NOTE_EVERY_MS = 60_000;
/** When another node held the board's version lock, try again this much later. */
const LOCKED_RETRY_MS = 5_000;

interface BoardState {
  timer: NodeJS.Timeout | null;
  /** Edited on this node since its last version attempt. */
  dirty: boolean;
  /** The attempt in flight: attempts of one board run one after another. */
  taking: Promise<void> | null;
  /** Name -> when it was last noted. */
  noted: Map<string, number>;
}

/**
 * When this node takes versions of the boards it serves: a periodic one `intervalMs` after
 * the first edit since the last attempt (so at most one per interval while edited), one when
 * the node's last member of a board leaves, and one at shutdown for boards edited since.
 * Storage decides whether one is due (something stored since the newest, the interval across
 * all nodes) and that only one writer takes it; this only asks at the right moments. Failures
 * are logged and retried at the next moment, never thrown.
 */
export class VersionKeeper {
  readonly #options: VersionKeeperOptions;
  readonly #boards = new Map<string, BoardState>();
  #closed = false;

  constructor(options: VersionKeeperOptions) {
    this.#options = options;
  }

  /** A member changed the board; `names` are whom its presence shows. */
  edited(boardId: string, names: readonly string[]): void {
    if (this.#closed) return;
    const board = this.#board(boardId);
    board.dirty = true;
    this.#note(boardId, board, names);
    if (!board.timer) this.#schedule(boardId, board, this.#options.intervalMs);
  }

  /** The last member of the board on this node left: a version now, if anything changed. */
  lastMemberLeft(boardId: string): void {
    if (this.#closed) return;
    void this.#take(boardId, VersionReason.LEAVE);
  }

  /** Takes the versions still due, waits for attempts in flight, and stops. */
  async close(): Promise<void> {
    if (this.#closed) return;
    const dirty = [...this.#boards].filter(([, board]) => board.dirty).map(([id]) => id);
    await Promise.allSettled(dirty.map((id) => this.#take(id, VersionReason.SHUTDOWN)));
    this.#closed = true;
    for (const board of this.#boards.values()) {
      if (board.timer) clearTimeout(board.timer);
      board.timer = null;
    }
    await Promise.allSettled([...this.#boards.values()].map((board) => board.taking));
  }

  /** Resolves once the board's current attempt (if any) is done: for tests and shutdown. */
  async settled(boardId: string): Promise<void> {
    await this.#boards.get(boardId)?.taking;
  }

  #take(boardId: string, reason: VersionReason): Promise<void> {
    const board = this.#board(boardId);
    if (board.timer) clearTimeout(board.timer);
    board.timer = null;
    const previous = board.taking ?? Promise.resolve();
    const attempt = previous.then(() => this.#attempt(boardId, board, reason));
    board.taking = attempt;
    void attempt.finally(() => {
      if (board.taking === attempt) board.taking = null;
      this.#forgetIfIdle(boardId, board);
    });
    return attempt;
  }

  async #attempt(boardId: string, board: BoardState, reason: VersionReason): Promise<void> {
    // Edits from here on belong to the next version, and so do the names noted for them (a
    // version takes the names noted so far).
    board.dirty = false;
    board.noted.clear();
    const { versions, clock, intervalMs, retention, logger } = this.#options;
    try {
      await this.#options.flush(boardId);
      const result = await versions.take(boardId, {
        reason,
        now: clock.now(),
        minIntervalMs: intervalMs,
        retention,
      });
      this.#options.onTake?.(boardId, result);
      if (result.taken) {
        this.#creditNextToo(boardId, board);
        logger.info(
          { boardId, versionId: result.version.versionId, reason, thinned: result.thinned },
          'version taken',
        );
      } else if (result.skipped === 'recent' || result.skipped === 'locked') {
        // Another node took (or is taking) one: ours are still to be covered by a later one.
        board.dirty = true;
        const delay = result.skipped === 'locked' ? LOCKED_RETRY_MS : intervalMs;
        if (!board.timer && !this.#closed) this.#schedule(boardId, board, delay);
      }
    } catch (error) {
      logger.warn({ boardId, reason, err: error }, 'taking a version failed; retrying later');
      board.dirty = true;
      if (!board.timer && !this.#closed) this.#schedule(boardId, board, intervalMs);
    }
  }

  /**
   * An editor is noted when its edit is applied, before the edit is stored: an edit that came
   * while the version was taken may have credited its editor to that version while its record
   * landed after the version's head. Whoever edited meanwhile is noted again, so the next
   * version (which holds those records) credits them too.
   */
  #creditNextToo(boardId: string, board: BoardState): void {
    const names = [...board.noted.keys()];
    if (!board.dirty || names.length === 0) return;
    this.#options.versions
      .noteEditors(boardId, names, this.#options.clock.now())
      .catch((error: unknown) => {
        this.#options.logger.warn({ boardId, err: error }, 'noting editors failed');
      });
  }

  #schedule(boardId: string, board: BoardState, delay: number): void {
    board.timer = setTimeout(() => {
      board.timer = null;
      if (board.dirty) void this.#take(boardId, VersionReason.PERIODIC);
    }, delay);
    board.timer.unref();
  }

  #note(boardId: string, board: BoardState, names: readonly string[]): void {
    const now = this.#options.clock.now();
    const fresh = names.filter(
      (name) => now - (board.noted.get(name) ?? -Infinity) >= NOTE_EVERY_MS,
    );
    if (fresh.length === 0) return;
    for (const name of fresh) board.noted.set(name, now);
    this.#options.versions.noteEditors(boardId, fresh, now).catch((error: unknown) => {
      for (const name of fresh) board.noted.delete(name);
      this.#options.logger.warn({ boardId, err: error }, 'noting editors failed');
    });
  }

  #board(boardId: string): BoardState {
    let board = this.#boards.get(boardId);
    if (!board) {
      board = { timer: null, dirty: false, taking: null, noted: new Map() };
      this.#boards.set(boardId, board);
    }
    return board;
  }

  /** Boards with nothing pending are forgotten, so the map holds only boards being edited. */
  #forgetIfIdle(boardId: string, board: BoardState): void {
    if (board.dirty || board.timer || board.taking) return;
    if (this.#boards.get(boardId) === board) this.#boards.delete(boardId);
  }
}
