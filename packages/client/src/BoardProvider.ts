import {
  ACK_TIMEOUT_MS,
  type AckResult,
  type BoardJoined,
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
  toBytes,
} from '@drawbridge/protocol';
import { io } from 'socket.io-client';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { BoardProviderOptions, ClientSocket } from './BoardProviderOptions.js';
import { ConnectJoin } from './ConnectJoin.js';
import { JoinRetry } from './JoinRetry.js';
import { carriesNews, joinDiff } from './joinDiff.js';
import { PresenceLink } from './PresenceLink.js';
import { type ProviderState, ProviderStates, type StateListener } from './ProviderStates.js';
import { StorageOutage } from './StorageOutage.js';

export type { BoardProviderOptions, ClientSocket } from './BoardProviderOptions.js';
export type { ConnectionStatus, ProviderState } from './ProviderStates.js';

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
  readonly #untracked: Set<unknown>;
  readonly #beforeJoin: (() => Promise<void>) | undefined;
  readonly #states = new ProviderStates();
  #joined = false;
  /** Local updates counted so far, and the highest count the server has acked. */
  #localSeq = 0;
  #ackedSeq = 0;
  /** Bumped on each (re)join so answers to an older join are ignored. */
  #joinGeneration = 0;
  readonly #connectJoin: ConnectJoin;
  readonly #presence: PresenceLink;
  readonly #retry = new JoinRetry(() => {
    if (this.socket.connected) void this.#join();
  });
  /** While the server cannot store, this stays on (`acceptUnstored`) and checks back later. */
  readonly #outage = new StorageOutage(() => {
    if (this.socket.connected && !this.#destroyed) void this.#join(true);
  });
  #destroyed = false;

  constructor(options: BoardProviderOptions) {
    this.boardId = options.boardId;
    this.doc = options.doc;
    this.awareness = options.awareness ?? new Awareness(options.doc);
    this.#ackTimeoutMs = options.ackTimeoutMs ?? ACK_TIMEOUT_MS;
    this.#connectJoin = new ConnectJoin(this.#ackTimeoutMs);
    this.#token = options.token;
    this.#untracked = new Set(options.untrackedOrigins ?? []);
    this.#beforeJoin = options.beforeJoin;
    this.#ownsSocket = !options.socket;
    this.socket =
      options.socket ??
      (io(options.url ?? '', {
        parser,
        transports: options.transports ?? ['websocket', 'polling'],
        // Without it a failed WebSocket is retried forever and polling is never tried: behind a
        // proxy that refuses WebSocket upgrades, the page would never connect.
        tryAllTransports: true,
        reconnectionDelay: options.reconnectionDelay ?? 500,
        reconnectionDelayMax: options.reconnectionDelayMax ?? 10_000,
        randomizationFactor: 0.5,
        // Called on every connection attempt: each carries the document's state vector then.
        auth: (send: (auth: ConnectAuth) => void) => send(this.#connectAuth()),
      }) as ClientSocket);

    this.doc.on('update', this.#onDocUpdate);
    this.#presence = new PresenceLink(
      this.boardId,
      this.awareness,
      this.socket,
      this,
      () => this.#joined,
    );
    this.socket.on('connect', this.#onConnect);
    this.socket.on('connect_error', this.#onConnectError);
    this.socket.on('disconnect', this.#onDisconnect);
    this.socket.on('doc:update', this.#onRemoteDoc);
    this.socket.on('board:error', this.#onBoardError);
    this.socket.on('board:joined', this.#onJoined);
    if (this.socket.connected) this.#join();
  }

  get state(): ProviderState {
    return this.#states.current;
  }

  /** Calls `listener` on every state change; returns an unsubscribe function. */
  subscribe(listener: StateListener): () => void {
    return this.#states.subscribe(listener);
  }

  /** Resolves once `predicate(state)` holds. */
  when(predicate: (state: ProviderState) => boolean): Promise<ProviderState> {
    return this.#states.when(predicate);
  }

  /** Leaves the board, detaches from the doc and awareness, closes an owned socket. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#retry.cancel();
    this.#outage.cancel();
    this.#connectJoin.cancel();
    this.doc.off('update', this.#onDocUpdate);
    this.#presence.detach();
    this.socket.off('connect', this.#onConnect);
    this.socket.off('connect_error', this.#onConnectError);
    this.socket.off('disconnect', this.#onDisconnect);
    this.socket.off('doc:update', this.#onRemoteDoc);
    this.socket.off('board:error', this.#onBoardError);
    this.socket.off('board:joined', this.#onJoined);
    if (this.socket.connected) this.socket.emit('board:leave', { boardId: this.boardId });
    if (this.#ownsSocket) this.socket.disconnect();
    this.#states.clear();
  }

  #unsaved(): number {
    return this.#localSeq - this.#ackedSeq;
  }

  readonly #onConnect = () => {
    if (!this.#connectJoin.carried) {
      void this.#join();
      return;
    }
    // The join rode in the CONNECT; `board:joined` answers it.
    const generation = this.#startJoin();
    this.#connectJoin.awaitAnswer(generation, () => {
      if (generation === this.#joinGeneration && this.socket.connected) void this.#join();
    });
  };

  /** The CONNECT's `auth`: the token, and the join when this provider joins on connect. */
  #connectAuth(): ConnectAuth {
    const auth: ConnectAuth = this.#token ? { token: this.#token } : {};
    // An owned socket joins on connect (PROTOCOL.md §2.3). A provider that failed for good
    // reconnects (its socket does) but never rejoins.
    const carried =
      this.#ownsSocket && !this.#destroyed && this.#states.current.status !== 'failed';
    this.#connectJoin.sent(carried);
    return carried ? { ...auth, join: this.#joinRequest() } : auth;
  }

  #joinRequest(): JoinRequest {
    return {
      boardId: this.boardId,
      protocol: PROTOCOL_VERSION,
      stateVector: Y.encodeStateVector(this.doc),
      ...(this.#token ? { token: this.#token } : {}),
      acceptUnstored: true,
    };
  }

  readonly #onJoined = (result: BoardJoined) => {
    if (result?.boardId !== undefined && result.boardId !== this.boardId) return;
    const generation = this.#connectJoin.answered();
    if (generation === null || generation !== this.#joinGeneration || this.#destroyed) return;
    void this.#answered(result, generation);
  };

  /** A first connection that fails is offline too, not forever "connecting". */
  readonly #onConnectError = () => {
    if (this.#states.current.status === 'connecting') this.#states.set({ status: 'offline' });
  };

  readonly #onDisconnect = () => {
    this.#joined = false;
    this.#joinGeneration++;
    this.#connectJoin.cancel();
    this.#outage.cancel();
    this.#retry.reset();
    // Others' states would go stale while we cannot hear their removals.
    this.#presence.forgetOthers();
    if (this.#states.current.status !== 'failed') this.#states.set({ status: 'offline' });
  };

  /** A join begins: answers to any earlier one are ignored from now on. */
  #startJoin(): number {
    const generation = ++this.#joinGeneration;
    this.#joined = false;
    this.#states.set({ status: 'connecting' });
    return generation;
  }

  /**
   * Joins, or rejoins. A `check` of storage from a joined provider keeps it on the board, live
   * and sending, while the server takes its time (up to its `storageWaitMs`) to answer.
   */
  async #join(check = false): Promise<void> {
    if (this.#destroyed || this.#states.current.status === 'failed') return;
    const generation = check && this.#joined ? this.#joinGeneration : this.#startJoin();
    const sentUpTo = this.#localSeq;
    let result: AckResult<JoinResult>;
    try {
      result = await this.socket
        .timeout(this.#ackTimeoutMs)
        .emitWithAck('board:join', this.#joinRequest());
    } catch {
      return this.#retryLater(generation);
    }
    if (generation !== this.#joinGeneration || this.#destroyed) return;
    await this.#answered(result, generation, sentUpTo);
  }

  /**
   * A join's answer (its ack, or `board:joined`): steps 2-4 of PROTOCOL.md §5. A stored answer
   * saves the changes sent before the join (`sentUpTo`); later ones wait for their own acks.
   */
  async #answered(
    result: AckResult<JoinResult>,
    generation: number,
    sentUpTo = this.#localSeq,
  ): Promise<void> {
    if (!result.ok) return this.#handleJoinError(result.error);
    this.#retry.reset();
    const update = toBytes(result.update);
    const awareness = toBytes(result.awareness);
    const serverState = toBytes(result.stateVector);
    if (!update || !awareness || !serverState) {
      return this.#handleJoinError({
        code: ErrorCode.BAD_REQUEST,
        message: 'malformed join answer',
      });
    }
    const held = !this.#outage.confirmed && this.doc.store.clients.size > 0;
    Y.applyUpdate(this.doc, update, this);
    this.#presence.apply(awareness);
    if (this.#beforeJoin) {
      // The board shows now; what the local changes depend on is sent before them.
      if (!this.#states.current.synced) this.#states.set({ synced: true });
      await this.#beforeJoin().catch(() => undefined);
      if (generation !== this.#joinGeneration || this.#destroyed) return;
    }
    this.#joined = true;
    // Everything the server lacks, including every change made while offline, in one update.
    const diff = joinDiff(this.doc, serverState);
    // The server refuses a viewer's changes; there is nothing a viewer can save.
    const news = result.role !== 'viewer' && carriesNews(diff, update);
    // The server may hold changes it cannot store: what it answered is not saved, ours neither.
    const unstored = result.unstored === true;
    // Content the doc held before the server confirmed any stored (e.g. restored from IndexedDB)
    // is unsaved too until it does: counted before the state says live, never shown saved.
    const unconfirmed = unstored && held && result.role !== 'viewer';
    if ((news || unconfirmed) && this.#unsaved() === 0) this.#localSeq++;
    this.#states.set({
      status: 'live',
      synced: true,
      role: result.role,
      error: this.#outage.answered(unstored, this.#unsaved() > 0),
      unsaved: this.#unsaved(),
    });
    if (news) this.#send(diff, this.#localSeq);
    else if (!this.#outage.failing && result.role !== 'viewer' && this.#unsaved() > 0) {
      this.#markSaved(sentUpTo);
    }
    this.#presence.announce();
  }

  #retryLater(generation: number): void {
    if (generation !== this.#joinGeneration || this.#destroyed) return;
    if (!this.socket.connected) return; // the reconnect will rejoin
    this.#retry.later();
  }

  /** A refused join: retry what may pass later; give up (no reconnect loop) on the rest. */
  #handleJoinError(error: ErrorPayload): void {
    if (isRetryable(error.code)) {
      this.#states.set({ error });
      this.#rejoinLater();
    } else {
      this.#states.set({ status: 'failed', error });
    }
  }

  /**
   * A refused update. Retryable ones are cured by a rejoin, which resends everything the server
   * lacks; the others (too large, forbidden) would fail again, so they are reported, not retried.
   */
  #handleUpdateError(error: ErrorPayload): void {
    this.#states.set({ error });
    if (!this.#outage.refused(error) && isRetryable(error.code)) this.#rejoinLater();
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
    // The server stored it and everything this client sent before (PROTOCOL.md §4.2).
    this.#outage.stored();
    if (this.#states.current.error?.code === ErrorCode.STORAGE_ERROR)
      this.#states.set({ error: null });
    if (upTo <= this.#ackedSeq) return;
    this.#ackedSeq = upTo;
    this.#states.set({ unsaved: this.#unsaved() });
  }

  #canSend(): boolean {
    return this.#joined && this.socket.connected && this.#states.current.role !== 'viewer';
  }

  readonly #onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === this) return;
    if (this.#untracked.has(origin)) {
      if (this.#canSend()) this.#send(update, this.#localSeq);
      return;
    }
    this.#localSeq++;
    if (this.#canSend()) this.#send(update, this.#localSeq);
    this.#states.set({ unsaved: this.#unsaved() });
  };

  readonly #onRemoteDoc = (message: DocUpdate) => {
    // A provider that failed for good is off the board: nothing may still change its doc.
    if (message?.boardId !== this.boardId || this.#states.current.status === 'failed') return;
    const update = toBytes(message.update);
    if (update) Y.applyUpdate(this.doc, update, this);
  };

  readonly #onBoardError = (error: { boardId?: string } & ErrorPayload) => {
    if (error.boardId !== undefined && error.boardId !== this.boardId) return;
    // Failed for good: the reason stays the one that ended it.
    if (this.#states.current.status === 'failed') return;
    const payload = { code: error.code, message: error.message };
    if (REMOVAL_CODES.has(error.code)) {
      // The server took this connection off the board (its link was revoked, the board was
      // deleted): nothing more arrives, and a rejoin would be refused. Fail for good.
      this.#joined = false;
      this.#joinGeneration++;
      this.#presence.forgetOthers();
      this.#states.set({ status: 'failed', error: payload });
      return;
    }
    // Otherwise only requests without an ack (awareness, leave) fail this way: report, never
    // rejoin.
    this.#states.set({ error: payload });
  };
}
