/**
 * A Drawbridge client built the way a user of plain Socket.IO would build one: socket.io-client
 * with whatever MessagePack parser it is given (the tests pass Socket.IO's documented
 * `socket.io-msgpack-parser`), Yjs and y-protocols awareness, and nothing from Drawbridge but
 * types. Runs in Node and, bundled, in the browser (no Node imports here).
 */
import type {
  AckResult,
  ClientToServerEvents,
  JoinResult,
  ServerToClientEvents,
} from '@drawbridge/protocol';
import { io, type Socket } from 'socket.io-client';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * How byte arrays are handed to the parser. notepack.io (socket.io-msgpack-parser's encoder)
 * writes a `Uint8Array` as ext type 0 in Node, but as a map of its indices in its browser
 * build, which wants an `ArrayBuffer` (written as `bin`). PROTOCOL.md §2.2.
 */
export type SendBinaryAs = 'uint8array' | 'arraybuffer';

export interface StandardClientOptions {
  url: string;
  boardId: string;
  /** A Socket.IO parser module: `{ Encoder, Decoder }`. */
  parser: unknown;
  sendBinaryAs: SendBinaryAs;
  transports?: ('websocket' | 'polling')[];
  doc?: Y.Doc;
}

/** What a parser may hand over for a `bin` value: Buffer (Node), ArrayBuffer (browser). */
export function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new Error(`expected binary, got ${Object.prototype.toString.call(value)}`);
}

const REMOTE = 'remote';
const ACK_TIMEOUT_MS = 5000;

export class StandardClient {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readonly socket: ClientSocket;
  /** `doc:update` and `awareness:update` events received, and every `board:error`. */
  readonly received = { docUpdates: 0, awarenessUpdates: 0, errors: [] as string[] };

  private constructor(
    private readonly options: StandardClientOptions,
    socket: ClientSocket,
  ) {
    this.socket = socket;
    this.doc = options.doc ?? new Y.Doc();
    this.awareness = new Awareness(this.doc);
    socket.on('doc:update', ({ update }) => {
      this.received.docUpdates++;
      Y.applyUpdate(this.doc, bytesOf(update), REMOTE);
    });
    socket.on('awareness:update', ({ update }) => {
      this.received.awarenessUpdates++;
      applyAwarenessUpdate(this.awareness, bytesOf(update), REMOTE);
    });
    socket.on('board:error', (error) =>
      this.received.errors.push(`${error.code}: ${error.message}`),
    );
  }

  /** Connects (no `auth`: socket.io-client then sends notepack's `undefined`, `d4 00 00`). */
  static async connect(options: StandardClientOptions): Promise<StandardClient> {
    const socket: ClientSocket = io(options.url, {
      parser: options.parser as never,
      transports: options.transports ?? ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => reject(new Error(`connect_error: ${error.message}`)));
    });
    return new StandardClient(options, socket);
  }

  /** Bytes as this client's parser must be given them. */
  wire(bytes: Uint8Array): Uint8Array {
    if (this.options.sendBinaryAs === 'uint8array') return bytes;
    // The contract's types say Uint8Array; this parser needs the ArrayBuffer of exactly the bytes.
    return bytes.slice().buffer as unknown as Uint8Array;
  }

  /** `board:join` with the doc's state vector; applies the answer and sends back the news. */
  async join(): Promise<AckResult<JoinResult>> {
    const { boardId } = this.options;
    const ack = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('board:join', {
      boardId,
      protocol: 1,
      stateVector: this.wire(Y.encodeStateVector(this.doc)),
      token: undefined,
    });
    if (!ack.ok) return ack;
    Y.applyUpdate(this.doc, bytesOf(ack.update), REMOTE);
    applyAwarenessUpdate(this.awareness, bytesOf(ack.awareness), REMOTE);
    const news = Y.encodeStateAsUpdate(this.doc, bytesOf(ack.stateVector));
    // Two bytes is the empty update: no structs, no deletions.
    if (news.byteLength > 2) {
      const sent = await this.send(news);
      if (!sent.ok) return sent;
    }
    return ack;
  }

  /** One `doc:update` with an ack. */
  send(update: Uint8Array): Promise<AckResult> {
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('doc:update', {
      boardId: this.options.boardId,
      update: this.wire(update),
    });
  }

  /** Runs `change` in one transaction and sends the update it made; resolves with the ack. */
  async edit(change: (doc: Y.Doc) => void): Promise<AckResult> {
    let update: Uint8Array | null = null;
    const capture = (u: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) update = u;
    };
    this.doc.on('update', capture);
    try {
      this.doc.transact(() => change(this.doc));
    } finally {
      this.doc.off('update', capture);
    }
    if (update === null) throw new Error('the edit changed nothing');
    return this.send(update);
  }

  /** Sets this client's presence and sends it with an ack. */
  setPresence(state: Record<string, unknown>): Promise<AckResult> {
    this.awareness.setLocalState(state);
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('awareness:update', {
      boardId: this.options.boardId,
      update: this.wire(encodeAwarenessUpdate(this.awareness, [this.doc.clientID])),
    }) as Promise<AckResult>;
  }

  /** Names in every presence state this client knows of, sorted. */
  presenceNames(): string[] {
    return [...this.awareness.getStates().values()]
      .map((state) => (state as { name?: unknown }).name)
      .filter((name): name is string => typeof name === 'string')
      .sort();
  }

  close(): void {
    this.awareness.destroy();
    this.socket.disconnect();
  }
}
