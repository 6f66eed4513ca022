import { getHeapStatistics } from 'node:v8';
import { ErrorCode, ProtocolError } from '@drawbridge/protocol';
import { type Clock, systemClock } from '../clock.js';
import { type Logger, silentLogger } from '../logger.js';

/**
 * Heap a loaded board takes per byte of its stored size, at most, as measured: a 60,000-shape
 * board (14.3 MB stored) took 300-575 MB of the server's heap, 21-40 times its size, and a
 * server whose heap was capped at 384 MB ran out of memory and died on its seventh 10,000-shape
 * board (2.35 MB each: 23 times what it held). At 40 times, the default budget leaves the boards
 * under 63% of the heap, the rest for connections, garbage and the work in flight.
 */
export const HEAP_PER_STORED_BYTE = 64;

/** Refusals are logged at most this often. */
const WARN_EVERY_MS = 10_000;

/** The default budget of loaded boards' stored bytes: the heap's limit over `HEAP_PER_STORED_BYTE`. */
export function defaultLoadedBoardBytes(heapLimit = getHeapStatistics().heap_size_limit): number {
  return Math.floor(heapLimit / HEAP_PER_STORED_BYTE);
}

/**
 * A request refused because the server holds as much board content as its memory allows
 * (`STORAGE_ERROR`: retryable, the board could not be loaded or changed now).
 */
export class MemoryRefusal extends ProtocolError {
  constructor(what: string) {
    super(
      ErrorCode.STORAGE_ERROR,
      `${what}: this server holds as much board content as its memory allows (MAX_LOADED_BOARD_BYTES); try again later`,
    );
  }
}

/**
 * What the boards loaded on this node hold, by stored size, against a budget. Without one, a
 * few editors could paste large boards into as many boards as they like, each kept in memory
 * while they stay on it, until the process ran out of heap and died with every board on it
 * (nothing acked was lost; every member was disconnected). With it, loading another board and
 * adding content are refused while the boards hold the budget (`MemoryRefusal`), and boards
 * nobody is on are unloaded first to make room (`RoomManager`).
 *
 * Each board's log reports what it holds as it changes (`add`): appends, catch-ups, compactions,
 * its load and its unload.
 */
export class BoardMemory {
  #used = 0;
  /** Held for content on its way in (`reserve`). */
  #reserved = 0;
  #relieve: (() => unknown) | null = null;
  #warnedAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly budget: number,
    private readonly logger: Logger = silentLogger,
    private readonly clock: Clock = systemClock,
  ) {}

  /** `relieve` frees what it can (unloads idle boards) when something is refused for room. */
  setReliever(relieve: () => unknown): void {
    this.#relieve = relieve;
  }

  /** Stored bytes of every loaded board. */
  get used(): number {
    return this.#used;
  }

  /** Held for large updates on their way in. */
  get reserved(): number {
    return this.#reserved;
  }

  /** True when the loaded boards, with what is on its way in, hold the budget or more. */
  get full(): boolean {
    return this.#used + this.#reserved >= this.budget;
  }

  add(bytes: number): void {
    this.#used += bytes;
  }

  /**
   * Throws a `MemoryRefusal` when `bytes` more would take the boards past the budget, after
   * asking the reliever to free what it can (so that a retry may pass).
   */
  assertRoom(bytes: number, what: string): void {
    if (this.#used + this.#reserved + bytes <= this.budget) return;
    this.#relieve?.();
    throw this.refusal(what);
  }

  /**
   * Throws a `MemoryRefusal` when a stored board of `bytes` does not fit beside the loaded ones.
   * Any board fits when none is held, so every board can be opened on its own.
   */
  assertRoomToLoad(bytes: number, what: string): void {
    if (this.#used + this.#reserved > 0) this.assertRoom(bytes, what);
  }

  /**
   * Holds `bytes` of the budget for content on its way in (a large update, applied over seconds)
   * until the returned function is called; throws like `assertRoom` when there is no room. What
   * it stores meanwhile is counted twice until then: other updates are refused early, never late.
   */
  reserve(bytes: number, what: string): () => void {
    this.assertRoom(bytes, what);
    this.#reserved += bytes;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#reserved -= bytes;
    };
  }

  /** The refusal of `what` for want of room, logged (at most once per 10 s). */
  refusal(what: string): MemoryRefusal {
    const now = this.clock.now();
    if (now - this.#warnedAt >= WARN_EVERY_MS) {
      this.#warnedAt = now;
      this.logger.warn(
        { loadedBytes: this.#used, budget: this.budget },
        `the loaded boards hold their memory budget (MAX_LOADED_BOARD_BYTES): ${what}`,
      );
    }
    return new MemoryRefusal(what);
  }
}
