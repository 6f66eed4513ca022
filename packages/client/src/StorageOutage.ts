import { ErrorCode, type ErrorPayload } from '@drawbridge/protocol';

/** The first check after the server said it cannot store; each one after waits twice as long. */
export const FIRST_CHECK_MS = 1000;
/** The longest wait between checks: how long after storage works again "saved" may lag. */
export const MAX_CHECK_MS = 8000;

/** The provider's error while its unsaved changes wait for a server that cannot store. */
export const NOT_STORED: ErrorPayload = {
  code: ErrorCode.STORAGE_ERROR,
  message: 'the server cannot save changes right now',
};

/**
 * What a provider knows of its server's storage: whether the last join was answered `unstored`
 * (PROTOCOL.md §4.1: the server holds changes it cannot store, a full disk), and when to check
 * again. Meanwhile the provider stays on the board, live, and keeps its changes unsaved; a check
 * is a rejoin, whose answer says whether they are stored now. Checks back off (1 s, 2 s, 4 s,
 * then every 8 s, jittered), so a long outage costs the server little.
 */
export class StorageOutage {
  #failing = false;
  #confirmed = false;
  #checks = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly check: () => void) {}

  /** True while the server's last join answer said it cannot store. */
  get failing(): boolean {
    return this.#failing;
  }

  /** Whether the server ever said what the doc held was stored (an ack, a join's answer). */
  get confirmed(): boolean {
    return this.#confirmed;
  }

  /**
   * A join was answered, `unstored` or not, while the client holds `unsaved` changes: returns
   * the provider's error (`NOT_STORED` while they wait, and a check is due), else null.
   */
  answered(unstored: boolean, unsaved: boolean): ErrorPayload | null {
    this.#failing = unstored;
    this.#confirmed ||= !unstored;
    if (!unstored) this.#reset();
    else if (unsaved) this.#checkLater();
    return unstored && unsaved ? NOT_STORED : null;
  }

  /**
   * An update was refused: true when storage refused it (`STORAGE_ERROR`: the server holds the
   * change live and relayed it, PROTOCOL.md §4.2), and a check is due. The provider stays on:
   * the check's answer says whether the server can store now, or holds what it cannot.
   */
  refused(error: ErrorPayload): boolean {
    if (error.code !== ErrorCode.STORAGE_ERROR) return false;
    this.#checkLater();
    return true;
  }

  /** The server stored an update (an ack): storage works. */
  stored(): void {
    this.#failing = false;
    this.#confirmed = true;
    this.#reset();
  }

  /** No check is due (the connection dropped: its reconnect rejoins; or the provider ended). */
  cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Checks once after the current backoff, unless a check is already due. */
  #checkLater(): void {
    if (this.#timer) return;
    const backoff = Math.min(FIRST_CHECK_MS * 2 ** this.#checks++, MAX_CHECK_MS);
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        this.check();
      },
      backoff * (0.75 + Math.random() / 2),
    );
  }

  #reset(): void {
    this.#checks = 0;
    this.cancel();
  }
}
