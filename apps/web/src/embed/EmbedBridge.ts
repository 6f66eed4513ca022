/**
 * The iframe's side of the postMessage API (PROTOCOL.md §11): events to the page that framed
 * the board, commands from it. Nothing here touches the DOM directly: the window-like objects
 * come in, so the origin rules can be tested without a browser.
 *
 * Origin rules:
 * - The parent's origin is `location.ancestorOrigins[0]`, else the origin of
 *   `document.referrer`; when neither is known, the first valid command from `window.parent`
 *   fixes it for good.
 * - A message is read only when `event.source === window.parent` and `event.origin` is that
 *   origin, and then only through `parseHostMessage`.
 * - Every message is posted to `window.parent` with that origin as `targetOrigin`, never `*`;
 *   until the origin is known, events wait in a small queue.
 */
import {
  EMBED_API_VERSION,
  EMBED_FRAME_SOURCE,
  type EmbedEvent,
  type EmbedStatus,
  type EmbedTheme,
  ErrorCode,
  type ErrorPayload,
  type HostMessage,
  parseHostMessage,
} from '@drawbridge/protocol';

/** What a `message` event carries that the bridge reads. */
export interface MessageEventLike {
  readonly source: unknown;
  readonly origin: string;
  readonly data: unknown;
}

export interface ParentLike {
  postMessage(message: unknown, targetOrigin: string): void;
}

/** The iframe's window, as far as the bridge uses it. */
export interface FrameWindowLike {
  readonly parent: ParentLike;
  readonly location?: { readonly ancestorOrigins?: ArrayLike<string> | undefined };
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
}

/** What the commands do, given once the board is shown. */
export interface EmbedHandlers {
  zoomToFit(): void | Promise<void>;
  setTheme(theme: EmbedTheme): void | Promise<void>;
  /** The whole board as a PNG. */
  exportPng(): Promise<Blob>;
  /** The board now, for `change` events. */
  describe(): { shapes: number; name: string };
}

export interface EmbedBridgeOptions {
  window: FrameWindowLike;
  /** `document.referrer`. */
  referrer: string;
  /** Minimum time between `change` events (the latest state always goes out). */
  changeIntervalMs?: number;
  now?: () => number;
  /** Returns a cancel function. */
  schedule?: (fn: () => void, ms: number) => () => void;
}

/** Events kept while the parent's origin is unknown; older status and change events go first. */
const MAX_QUEUED_EVENTS = 32;
/** Commands kept until the board is shown. */
const MAX_QUEUED_COMMANDS = 64;

/** True for a serialised http(s) origin (`https://host:port`), the only ones a host can have. */
export function isHttpOrigin(value: unknown): value is string {
  if (typeof value !== 'string' || value === 'null') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

/** The framing page's origin as far as the browser says before any message: or null. */
export function knownParentOrigin(win: FrameWindowLike, referrer: string): string | null {
  const ancestor = win.location?.ancestorOrigins?.[0];
  if (isHttpOrigin(ancestor)) return ancestor;
  if (referrer) {
    try {
      const origin = new URL(referrer).origin;
      if (isHttpOrigin(origin)) return origin;
    } catch {
      // Not a URL: no hint.
    }
  }
  return null;
}

/** Whether this document is in a frame (`window.parent !== window`). */
export const isFramed = (win: { readonly parent: unknown }): boolean => win.parent !== win;

const errorPayload = (error: unknown): ErrorPayload => ({
  code: ErrorCode.INTERNAL_ERROR,
  message: error instanceof Error && error.message ? error.message : 'the command failed',
});

export class EmbedBridge {
  readonly #win: FrameWindowLike;
  readonly #parent: ParentLike;
  readonly #changeIntervalMs: number;
  readonly #now: () => number;
  readonly #schedule: (fn: () => void, ms: number) => () => void;
  #origin: string | null;
  #handlers: EmbedHandlers | null = null;
  #failure: ErrorPayload | null = null;
  #destroyed = false;
  readonly #outbox: EmbedEvent[] = [];
  readonly #commands: HostMessage[] = [];
  #lastStatus: string | null = null;
  #lastChangeAt = Number.NEGATIVE_INFINITY;
  #cancelChange: (() => void) | null = null;

  constructor(options: EmbedBridgeOptions) {
    this.#win = options.window;
    this.#parent = options.window.parent;
    this.#changeIntervalMs = options.changeIntervalMs ?? 200;
    this.#now = options.now ?? (() => Date.now());
    this.#schedule =
      options.schedule ??
      ((fn, ms) => {
        const timer = setTimeout(fn, ms);
        return () => clearTimeout(timer);
      });
    this.#origin = knownParentOrigin(options.window, options.referrer);
    this.#win.addEventListener('message', this.#onMessage);
  }

  /** The framing page's origin, once known. */
  get parentOrigin(): string | null {
    return this.#origin;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#cancelChange?.();
    this.#win.removeEventListener('message', this.#onMessage);
    this.#outbox.length = 0;
    this.#commands.length = 0;
  }

  /**
   * The board is shown: announces it, then runs the commands that were waiting. Announced once;
   * later calls (the board reopened, with a new token say) only replace the handlers.
   */
  ready(info: { boardId: string; readonly: boolean }, handlers: EmbedHandlers): void {
    if (this.#destroyed || this.#failure) return;
    const announced = this.#handlers !== null;
    this.#handlers = handlers;
    if (announced) return;
    this.#send({
      type: 'ready',
      version: EMBED_API_VERSION,
      boardId: info.boardId,
      readonly: info.readonly,
    });
    for (const command of this.#commands.splice(0)) void this.#run(command);
  }

  /** Sent when it differs from the last status sent. */
  status(status: EmbedStatus): void {
    const { connection, unsaved, saved, role } = status;
    const key = JSON.stringify([connection, unsaved, saved, role]);
    if (this.#destroyed || key === this.#lastStatus) return;
    this.#lastStatus = key;
    this.#send({ type: 'status', connection, unsaved, saved, role });
  }

  /** The board changed: a `change` event goes out now or, throttled, a little later. */
  boardChanged(): void {
    if (this.#destroyed || !this.#handlers || this.#cancelChange) return;
    const wait = this.#lastChangeAt + this.#changeIntervalMs - this.#now();
    if (wait <= 0) this.#sendChange();
    else this.#cancelChange = this.#schedule(() => this.#sendChange(), wait);
  }

  /** The board failed for good (e.g. a bad token): `error`, and waiting commands fail too. */
  fail(error: ErrorPayload): void {
    if (this.#destroyed || this.#failure) return;
    this.#failure = { code: error.code, message: error.message };
    this.#send({ type: 'error', error: this.#failure });
    for (const command of this.#commands.splice(0)) {
      this.#send({ type: 'result', id: command.id, ok: false, error: this.#failure });
    }
  }

  #sendChange(): void {
    this.#cancelChange = null;
    if (this.#destroyed || !this.#handlers) return;
    this.#lastChangeAt = this.#now();
    const { shapes, name } = this.#handlers.describe();
    this.#send({ type: 'change', shapes, name });
  }

  readonly #onMessage = (event: MessageEventLike): void => {
    if (this.#destroyed || event.source !== this.#parent) return;
    if (this.#origin === null) {
      // Nothing told us who framed us: the first valid command from the parent window does.
      if (!isHttpOrigin(event.origin)) return;
      const message = parseHostMessage(event.data);
      if (!message) return;
      this.#origin = event.origin;
      this.#flush();
      this.#command(message);
      return;
    }
    if (event.origin !== this.#origin) return;
    const message = parseHostMessage(event.data);
    if (message) this.#command(message);
  };

  #command(message: HostMessage): void {
    if (this.#failure) {
      this.#send({ type: 'result', id: message.id, ok: false, error: this.#failure });
    } else if (this.#handlers) {
      void this.#run(message);
    } else if (this.#commands.length < MAX_QUEUED_COMMANDS) {
      this.#commands.push(message);
    } else {
      this.#send({
        type: 'result',
        id: message.id,
        ok: false,
        error: {
          code: ErrorCode.RATE_LIMITED,
          message: 'too many commands before the board loaded',
        },
      });
    }
  }

  async #run(message: HostMessage): Promise<void> {
    const handlers = this.#handlers!;
    let value: unknown;
    try {
      switch (message.type) {
        case 'zoomToFit':
          await handlers.zoomToFit();
          break;
        case 'setTheme':
          await handlers.setTheme(message.theme);
          break;
        case 'exportPng':
          value = await handlers.exportPng();
          break;
      }
    } catch (error) {
      this.#send({ type: 'result', id: message.id, ok: false, error: errorPayload(error) });
      return;
    }
    this.#send(
      value === undefined
        ? { type: 'result', id: message.id, ok: true }
        : { type: 'result', id: message.id, ok: true, value },
    );
  }

  #send(event: EmbedEvent): void {
    if (this.#destroyed) return;
    if (this.#origin === null) {
      this.#queue(event);
      return;
    }
    this.#post(event, this.#origin);
  }

  #post(event: EmbedEvent, origin: string): void {
    try {
      this.#parent.postMessage({ source: EMBED_FRAME_SOURCE, ...event }, origin);
    } catch (error) {
      // A value that cannot be cloned: the host still gets an answer.
      if (event.type === 'result' && event.ok) {
        this.#parent.postMessage(
          {
            source: EMBED_FRAME_SOURCE,
            type: 'result',
            id: event.id,
            ok: false,
            error: errorPayload(error),
          },
          origin,
        );
      }
    }
  }

  #queue(event: EmbedEvent): void {
    if (this.#outbox.length >= MAX_QUEUED_EVENTS) {
      const stale = this.#outbox.findIndex((e) => e.type === 'status' || e.type === 'change');
      this.#outbox.splice(stale === -1 ? 0 : stale, 1);
    }
    this.#outbox.push(event);
  }

  #flush(): void {
    const origin = this.#origin;
    if (origin === null) return;
    for (const event of this.#outbox.splice(0)) this.#post(event, origin);
  }
}

/** The bridge for this document, or null when it is not in a frame. */
export function createEmbedBridge(win: Window, doc: Document): EmbedBridge | null {
  if (!isFramed(win)) return null;
  return new EmbedBridge({ window: win as unknown as FrameWindowLike, referrer: doc.referrer });
}
