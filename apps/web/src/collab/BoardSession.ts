import { BoardModel } from '@drawbridge/board';
import { BoardProvider } from '@drawbridge/client';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { AssetCache } from '../images/AssetCache.js';
import { AssetLoader } from '../images/AssetLoader.js';
import { UploadQueue } from '../images/UploadQueue.js';
import { ConnectionMonitor, type NetworkSignals } from './ConnectionMonitor.js';
import { Presence, type UserInfo } from './Presence.js';
import { UnsavedCarry } from './unsavedCarry.js';

/** How long to wait for IndexedDB before opening the board without it (e.g. it is disabled). */
const LOCAL_LOAD_TIMEOUT_MS = 3000;
/** A rejoin waits this long at most for owed image uploads; the rest go with the next one. */
const UPLOADS_BEFORE_JOIN_MS = 20_000;

export interface SessionOptions {
  boardId: string;
  user: UserInfo;
  storage: Storage | null;
  net: NetworkSignals;
  /** Server URL; the page's origin when omitted. */
  url?: string;
  /** Capability token from the link (`#token=...`); required when the server has AUTH_SECRET. */
  token?: string | null;
  /** Told when an image owed to the server was refused for good. */
  onImageRefused?: (message: string) => void;
}

/**
 * One open board: its Y.Doc, the local copy in IndexedDB (so the board opens and can be
 * edited offline), the connection to the server, presence, and what the user should see of
 * the connection.
 */
export class BoardSession {
  readonly boardId: string;
  readonly doc: Y.Doc;
  readonly model: BoardModel;
  readonly persistence: IndexeddbPersistence;
  readonly provider: BoardProvider;
  readonly presence: Presence;
  readonly connection: ConnectionMonitor;
  /** The board's pictures, for drawing and export. */
  readonly images: AssetLoader;
  /** Images added here that the server does not have yet. */
  readonly uploads: UploadQueue;
  readonly imageCache: AssetCache;
  #destroyed = false;
  readonly #offStatus: () => void;

  private constructor(options: SessionOptions, doc: Y.Doc, persistence: IndexeddbPersistence) {
    this.boardId = options.boardId;
    this.doc = doc;
    this.persistence = persistence;
    this.model = new BoardModel(doc);
    const token = options.token ?? null;
    this.imageCache = new AssetCache();
    this.uploads = new UploadQueue({
      boardId: options.boardId,
      token,
      cache: this.imageCache,
      now: () => Date.now(),
      onRefused: (message) => options.onImageRefused?.(message),
    });
    // Created once the local copy is loaded, so the first join already carries offline edits;
    // loading that copy is not a new edit, hence untracked.
    this.provider = new BoardProvider({
      boardId: options.boardId,
      doc,
      untrackedOrigins: [persistence],
      // Images added offline reach the server before the shapes that show them.
      beforeJoin: () => withTimeout(this.uploads.flush(), UPLOADS_BEFORE_JOIN_MS),
      ...(options.url ? { url: options.url } : {}),
      ...(options.token ? { token: options.token } : {}),
    });
    this.images = new AssetLoader({
      boardId: options.boardId,
      token,
      cache: this.imageCache,
      online: () => this.provider.state.status === 'live',
    });
    let live = false;
    this.#offStatus = this.provider.subscribe((state) => {
      const now = state.status === 'live';
      if (now && !live) this.images.retry();
      live = now;
    });
    this.presence = new Presence(this.provider.awareness, options.user);
    this.connection = new ConnectionMonitor(
      this.provider,
      new UnsavedCarry(options.boardId, options.storage),
      options.net,
    );
  }

  /** Opens a board; resolves once the local copy is loaded, whether or not the server is up. */
  static async open(options: SessionOptions): Promise<BoardSession> {
    const doc = new Y.Doc();
    const persistence = new IndexeddbPersistence(`drawbridge:${options.boardId}`, doc);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      persistence.whenSynced.catch(() => undefined),
      // Storage refused outright (e.g. a third-party iframe with storage blocked): no need to
      // wait for the timeout.
      persistence._db.then(
        () => new Promise<never>(() => {}),
        () => undefined,
      ),
      new Promise((resolve) => {
        timer = setTimeout(resolve, LOCAL_LOAD_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    return new BoardSession(options, doc, persistence);
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#offStatus();
    this.images.destroy();
    this.connection.destroy();
    this.presence.destroy();
    this.provider.destroy();
    this.model.destroy();
    // Fails when the storage never opened; there is nothing to close then.
    this.persistence.destroy().catch(() => undefined);
    this.doc.destroy();
  }
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    work.then(resolve, resolve).finally(() => clearTimeout(timer));
  });
}
