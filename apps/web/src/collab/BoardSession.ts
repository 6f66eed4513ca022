import { BoardModel } from '@drawbridge/board';
import { BoardProvider } from '@drawbridge/client';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { ConnectionMonitor, type NetworkSignals } from './ConnectionMonitor.js';
import { Presence, type UserInfo } from './Presence.js';
import { UnsavedCarry } from './unsavedCarry.js';

/** How long to wait for IndexedDB before opening the board without it (e.g. it is disabled). */
const LOCAL_LOAD_TIMEOUT_MS = 3000;

export interface SessionOptions {
  boardId: string;
  user: UserInfo;
  storage: Storage | null;
  net: NetworkSignals;
  /** Server URL; the page's origin when omitted. */
  url?: string;
  /** Capability token from the link (`#token=...`); required when the server has AUTH_SECRET. */
  token?: string | null;
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
  #destroyed = false;

  private constructor(options: SessionOptions, doc: Y.Doc, persistence: IndexeddbPersistence) {
    this.boardId = options.boardId;
    this.doc = doc;
    this.persistence = persistence;
    this.model = new BoardModel(doc);
    // Created once the local copy is loaded, so the first join already carries offline edits;
    // loading that copy is not a new edit, hence untracked.
    this.provider = new BoardProvider({
      boardId: options.boardId,
      doc,
      untrackedOrigins: [persistence],
      ...(options.url ? { url: options.url } : {}),
      ...(options.token ? { token: options.token } : {}),
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
    this.connection.destroy();
    this.presence.destroy();
    this.provider.destroy();
    this.model.destroy();
    // Fails when the storage never opened; there is nothing to close then.
    this.persistence.destroy().catch(() => undefined);
    this.doc.destroy();
  }
}
