import {
  ACK_TIMEOUT_MS,
  type AckResult,
  type BoardJoined,
  type ClientToServerEvents,
  type ConnectAuth,
  type DocUpdate,
  ErrorCode,
  type ErrorPayload,
  isRetryable,
  type JoinRequest,
  type JoinResult,
  PROTOCOL_VERSION,
  parser,
  REMOVAL_CODES,
  type Role,
  type ServerToClientEvents,
  toBytes,
} from '@drawbridge/protocol';
import { io, type Socket } from 'socket.io-client';
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import * as Y from 'yjs';
import { carriesNews } from './joinDiff.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * - `connecting`: no connection yet, or joining.
 * - `live`: joined; local changes stream to the server.
 * - `offline`: the connection is down; changes are kept and sent on reconnect.
 * - `failed`: the server refused the board for good (see `error`); no more retries.
 */
export type ConnectionStatus = 'connecting' | 'live' | 'offline' | 'failed';

export interface ProviderState {
  status: ConnectionStatus;
  /** Local changes the server has not yet confirmed as stored. */
  unsaved: number;
  /** True once the first join completed: the document holds the server's content. */
  synced: boolean;
  role: Role | null;
  error: ErrorPayload | null;
}

export interface BoardProviderOptions {
  boardId: string;
  doc: Y.Doc;
  /** Server URL; omit to use the page's origin. Ignored when `socket` is given. */
  url?: string;
  /** Share one socket between providers (one socket may join several boards). */
  socket?: ClientSocket;
  awareness?: Awareness;
  token?: string;
  ackTimeoutMs?: number;
  /** Socket.IO transports; default websocket first, then long-polling. */
  transports?: ('websocket' | 'polling')[];
  /**
   * Origins of updates that are not new local edits (e.g. the IndexedDB persistence loading a
   * stored copy): sent like any other when live, but not counted as unsaved changes.
   */
  untrackedOrigins?: unknown[];
  /** Reconnect backoff (Socket.IO's jittered exponential backoff). */
  reconnectionDelay?: number;
  reconnectionDelayMax?: number;
  /**
   * Awaited in every join (the first and each rejoin), after the server's answer is applied and
   * before the local changes it lacks are sent: work that must reach the server before the
   * changes that depend on it, such as uploading images added offline before the shapes that
   * show them. A failure does not stop the join. Bound its duration yourself.
   */
  beforeJoin?: () => Promise<void>;
}

type Listener = (state: ProviderState) => void;

/**
 * Binds a Y.Doc and its awareness to one board on a Drawbridge server, following PROTOCOL.md:
 * join with the state vector, apply what the server sends, answer with what it lacks, stream
 * local updates with acks, and rejoin (which is the resync) after every reconnect.
 */
export class BoardProvider {
  readonly boardId: string;
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readonly socket: ClientSocket;
  readonly #ownsSocket: boolean;
  readonly #ackTimeoutMs: number;
  readonly #token: string | undefined;
  readonly #listeners = new Set<Listener>();
  readonly #untracked: Set<unknown>;
  readonly #beforeJoin: (() => Promise<void>) | undefined;
  #state: ProviderState = {
    status: 'connecting',
    unsaved: 0,
    synced: false,
    role: null,
    error: null,
  };
  #joined = false;
  /** Local updates counted so far, and the highest count the server has acked. */
  #localSeq = 0;
  #ackedSeq = 0;
  /** Bumped on each (re)join so answers to an older join are ignored. */
  #joinGeneration = 0;
  /** The generation of the join on connect whose `board:joined` has not arrived yet. */
  #connectJoin: number | null = null;
  #connectJoinTimer: ReturnType<typeof setTimeout> | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #destroyed = false;

  constructor(options: BoardProviderOptions) {
    this.boardId = options.boardId;
    this.doc = options.doc;
    this.awareness = options.awareness ?? new Awareness(options.doc);
    this.#ackTimeoutMs = options.ackTimeoutMs ?? ACK_TIMEOUT_MS;
    this.#token = options.token;
    this.#untracked = new Set(options.untrackedOrigins ?? []);
    this.#beforeJoin = options.beforeJoin;
    this.#ownsSocket = !options.socket;
    this.socket =
      options.socket ??
      (io(options.url ?? '', {
        parser,
        transports: options.transports ?? ['websocket', 'polling'],
        reconnectionDelay: options.reconnectionDelay ?? 500,
        reconnectionDelayMax: options.reconnectionDelayMax ?? 10_000,
        randomizationFactor: 0.5,
        // Called on every connection attempt: each carries the document's state vector then.
        auth: (send: (auth: ConnectAuth) => void) => send(this.#connectAuth()),
      }) as ClientSocket);

    this.doc.on('update', this.#onDocUpdate);
    this.awareness.on('update', this.#onAwarenessUpdate);
    this.socket.on('connect', this.#onConnect);
    this.socket.on('connect_error', this.#onConnectError);
    this.socket.on('disconnect', this.#onDisconnect);
    this.socket.on('doc:update', this.#onRemoteDoc);
    this.socket.on('awareness:update', this.#onRemoteAwareness);
    this.socket.on('board:error', this.#onBoardError);
    this.socket.on('board:joined', this.#onJoined);
    if (this.socket.connected) this.#join();
  }

  get state(): ProviderState {
    return this.#state;
  }

  /** Calls `listener` on every state change; returns an unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once `predicate(state)` holds. */
  when(predicate: (state: ProviderState) => boolean): Promise<ProviderState> {
    if (predicate(this.#state)) return Promise.resolve(this.#state);
    return new Promise((resolve) => {
      const off = this.subscribe((state) => {
        if (predicate(state)) {
          off();
          resolve(state);
        }
      });
    });
  }

  /** Leaves the board, detaches from the doc and awareness, closes an owned socket. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#clearConnectJoinTimer();
    this.doc.off('update', this.#onDocUpdate);
    this.awareness.off('update', this.#onAwarenessUpdate);
    this.socket.off('connect', this.#onConnect);
    this.socket.off('connect_error', this.#onConnectError);
    this.socket.off('disconnect', this.#onDisconnect);
    this.socket.off('doc:update', this.#onRemoteDoc);
    this.socket.off('awareness:update', this.#onRemoteAwareness);
    this.socket.off('board:error', this.#onBoardError);
    this.socket.off('board:joined', this.#onJoined);
    if (this.socket.connected) this.socket.emit('board:leave', { boardId: this.boardId });
    if (this.#ownsSocket) this.socket.disconnect();
    this.#listeners.clear();
  }

  #setState(patch: Partial<ProviderState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of [...this.#listeners]) listener(this.#state);
  }

  #unsaved(): number {
    return this.#localSeq - this.#ackedSeq;
  }

  readonly #onConnect = () => {
    if (this.#connectJoin === null) {
      void this.#join();
      return;
    }
    // The join rode in the CONNECT; its answer follows. A server that predates joins on
    // connect never answers: after the ack timeout the join is sent as `board:join`.
    const generation = this.#startJoin();
    this.#connectJoin = generation;
    this.#clearConnectJoinTimer();
    this.#connectJoinTimer = setTimeout(() => {
      this.#connectJoinTimer = null;
      if (this.#connectJoin !== generation) return;
      this.#connectJoin = null;
      if (generation === this.#joinGeneration && this.socket.connected) void this.#join();
    }, this.#ackTimeoutMs);
  };

  #clearConnectJoinTimer(): void {
    if (this.#connectJoinTimer) clearTimeout(this.#connectJoinTimer);
    this.#connectJoinTimer = null;
  }

  /** The CONNECT's `auth`: the token, and the join when this provider joins on connect. */
  #connectAuth(): ConnectAuth {
    const auth: ConnectAuth = this.#token ? { token: this.#token } : {};
    // An owned socket joins on connect (PROTOCOL.md §2.3). A provider that failed for good
    // reconnects (its socket does) but never rejoins.
    if (!this.#ownsSocket || this.#destroyed || this.#state.status === 'failed') {
      this.#connectJoin = null;
      return auth;
    }
    this.#connectJoin = -1; // asked; #onConnect gives it its generation
    return { ...auth, join: this.#joinRequest() };
  }

  #joinRequest(): JoinRequest {
    return {
      boardId: this.boardId,
      protocol: PROTOCOL_VERSION,
      stateVector: Y.encodeStateVector(this.doc),
      ...(this.#token ? { token: this.#token } : {}),
    };
  }

  readonly #onJoined = (result: BoardJoined) => {
    if (result?.boardId !== undefined && result.boardId !== this.boardId) return;
    const generation = this.#connectJoin;
    if (generation === null || generation !== this.#joinGeneration) return;
    this.#connectJoin = null;
    this.#clearConnectJoinTimer();
    if (this.#destroyed) return;
    void this.#answered(result, generation);
  };

  /** A first connection that fails is offline too, not forever "connecting". */
  readonly #onConnectError = () => {
    if (this.#state.status === 'connecting') this.#setState({ status: 'offline' });
  };

  readonly #onDisconnect = () => {
    this.#joined = false;
    this.#joinGeneration++;
    this.#connectJoin = null;
    this.#clearConnectJoinTimer();
    // Others' states would go stale while we cannot hear their removals.
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    removeAwarenessStates(this.awareness, others, this);
    if (this.#state.status !== 'failed') this.#setState({ status: 'offline' });
  };

  /** A join begins: answers to any earlier one are ignored from now on. */
  #startJoin(): number {
    const generation = ++this.#joinGeneration;
    this.#joined = false;
    this.#setState({ status: 'connecting' });
    return generation;
  }

  async #join(): Promise<void> {
    if (this.#destroyed || this.#state.status === 'failed') return;
    const generation = this.#startJoin();
    let result: AckResult<JoinResult>;
    try {
      result = await this.socket
        .timeout(this.#ackTimeoutMs)
        .emitWithAck('board:join', this.#joinRequest());
    } catch {
      return this.#retryLater(generation);
    }
    if (generation !== this.#joinGeneration || this.#destroyed) return;
    await this.#answered(result, generation);
  }

  /** A join's answer (its ack, or `board:joined`): steps 2-4 of PROTOCOL.md §5. */
  async #answered(result: AckResult<JoinResult>, generation: number): Promise<void> {
    if (!result.ok) return this.#handleJoinError(result.error);
    const update = toBytes(result.update);
    const awareness = toBytes(result.awareness);
    const serverState = toBytes(result.stateVector);
    if (!update || !awareness || !serverState) {
      return this.#handleJoinError({
        code: ErrorCode.BAD_REQUEST,
        message: 'malformed join answer',
      });
    }
    Y.applyUpdate(this.doc, update, this);
    applyAwarenessUpdate(this.awareness, awareness, this);
    if (this.#beforeJoin) {
      // The board shows now; what the local changes depend on is sent before them.
      if (!this.#state.synced) this.#setState({ synced: true });
      await this.#beforeJoin().catch(() => undefined);
      if (generation !== this.#joinGeneration || this.#destroyed) return;
    }
    this.#joined = true;
    this.#setState({
      status: 'live',
      synced: true,
      role: result.role,
      error: null,
      unsaved: this.#unsaved(),
    });
    // Everything the server lacks, including every change made while offline, in one update.
    const diff = Y.encodeStateAsUpdate(this.doc, serverState);
    if (result.role === 'viewer') {
      // The server refuses a viewer's changes; there is nothing a viewer can save.
    } else if (carriesNews(diff, update)) {
      // Content the doc held before this provider saw it (e.g. restored from IndexedDB) is
      // unsaved too until the server acks it.
      if (this.#unsaved() === 0) {
        this.#localSeq++;
        this.#setState({ unsaved: this.#unsaved() });
      }
      this.#send(diff, this.#localSeq);
    } else if (this.#unsaved() > 0) this.#markSaved(this.#localSeq);
    if (this.awareness.getLocalState() !== null) {
      this.#emitAwareness([this.doc.clientID]);
    }
  }

  #retryLater(generation: number): void {
    if (generation !== this.#joinGeneration || this.#destroyed) return;
    if (!this.socket.connected) return; // the reconnect will rejoin
    if (this.#retryTimer) return;
    this.#retryTimer = setTimeout(
      () => {
        this.#retryTimer = null;
        if (this.socket.connected) void this.#join();
      },
      500 + Math.random() * 1000,
    );
  }

  /** A refused join: retry what may pass later; give up (no reconnect loop) on the rest. */
  #handleJoinError(error: ErrorPayload): void {
    if (isRetryable(error.code)) {
      this.#setState({ error });
      this.#rejoinLater();
    } else {
      this.#setState({ status: 'failed', error });
    }
  }

  /**
   * A refused update. Retryable ones are cured by a rejoin, which resends everything the server
   * lacks; the others (too large, forbidden) would fail again, so they are reported, not retried.
   */
  #handleUpdateError(error: ErrorPayload): void {
    this.#setState({ error });
    if (isRetryable(error.code)) this.#rejoinLater();
  }

  #rejoinLater(): void {
    this.#joinGeneration++;
    this.#joined = false;
    this.#retryLater(this.#joinGeneration);
  }

  #send(update: Uint8Array, upTo: number): void {
    const generation = this.#joinGeneration;
    this.socket
      .timeout(this.#ackTimeoutMs)
      .emitWithAck('doc:update', { boardId: this.boardId, update })
      .then(
        (result: AckResult) => {
          if (result.ok) this.#markSaved(upTo);
          else if (generation === this.#joinGeneration) this.#handleUpdateError(result.error);
        },
        () => {
          if (generation === this.#joinGeneration) this.#rejoinLater();
        },
      );
  }

  #markSaved(upTo: number): void {
    if (upTo <= this.#ackedSeq) return;
    this.#ackedSeq = upTo;
    this.#setState({ unsaved: this.#unsaved() });
  }

  #canSend(): boolean {
    return this.#joined && this.socket.connected && this.#state.role !== 'viewer';
  }

  readonly #onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === this) return;
    if (this.#untracked.has(origin)) {
      if (this.#canSend()) this.#send(update, this.#localSeq);
      return;
    }
    this.#localSeq++;
    if (this.#canSend()) this.#send(update, this.#localSeq);
    this.#setState({ unsaved: this.#unsaved() });
  };

  readonly #onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    if (origin === this || !this.#joined) return;
    const mine = [...added, ...updated, ...removed].filter((id) => id === this.doc.clientID);
    if (mine.length > 0) this.#emitAwareness(mine);
  };

  #emitAwareness(clients: number[]): void {
    this.socket.emit('awareness:update', {
      boardId: this.boardId,
      update: encodeAwarenessUpdate(this.awareness, clients),
    });
  }

  readonly #onRemoteDoc = (message: DocUpdate) => {
    // A provider that failed for good is off the board: nothing may still change its doc.
    if (message?.boardId !== this.boardId || this.#state.status === 'failed') return;
    const update = toBytes(message.update);
    if (update) Y.applyUpdate(this.doc, update, this);
  };

  readonly #onRemoteAwareness = (message: { boardId: string; update: Uint8Array }) => {
    if (message?.boardId !== this.boardId) return;
    const update = toBytes(message.update);
    if (update) applyAwarenessUpdate(this.awareness, update, this);
  };

  readonly #onBoardError = (error: { boardId?: string } & ErrorPayload) => {
    if (error.boardId !== undefined && error.boardId !== this.boardId) return;
    // Failed for good: the reason stays the one that ended it.
    if (this.#state.status === 'failed') return;
    const payload = { code: error.code, message: error.message };
    if (REMOVAL_CODES.has(error.code)) {
      // The server took this connection off the board (its link was revoked, the board was
      // deleted): nothing more arrives, and a rejoin would be refused. Fail for good.
      this.#joined = false;
      this.#joinGeneration++;
      const others = [...this.awareness.getStates().keys()].filter(
        (id) => id !== this.doc.clientID,
      );
      removeAwarenessStates(this.awareness, others, this);
      this.#setState({ status: 'failed', error: payload });
      return;
    }
    // Otherwise only requests without an ack (awareness, leave) fail this way: report, never
    // rejoin.
    this.#setState({ error: payload });
  };
}
