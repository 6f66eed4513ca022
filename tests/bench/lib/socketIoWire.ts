/**
 * A Socket.IO client for the bench written from the wire description alone (PROTOCOL.md §2):
 * Engine.IO 4 over one WebSocket (no polling, no upgrade), Socket.IO packets encoded by a
 * MessagePack parser, each packet one binary WebSocket message; Engine.IO's own packets
 * (`open`, `ping`, `pong`, `close`) are text messages.
 *
 * Why the bench has it: the peers' clients are a bare `ws` socket with a few lines of framing
 * each, while socket.io-client spent about twice their client CPU per connect, on the same two
 * cores as the server under test. This one is a bare `ws` socket too. It is also a check that
 * the protocol document is enough to write a client: it uses nothing of Socket.IO but the
 * parser's Encoder and Decoder.
 */
import WebSocket from 'ws';

/** A Socket.IO parser: socket.io-msgpack-parser's and Drawbridge's have this shape. */
export interface WireParser {
  Encoder: new () => { encode(packet: WirePacket): unknown[] };
  Decoder: new () => {
    add(chunk: unknown): void;
    on(event: 'decoded', listener: (packet: WirePacket) => void): unknown;
  };
}

export interface WirePacket {
  type: number;
  nsp: string;
  data?: unknown;
  id?: number;
}

const CONNECT = 0;
const DISCONNECT = 1;
const EVENT = 2;
const ACK = 3;
const CONNECT_ERROR = 4;

type Listener = (payload: unknown) => void;
type AckHandler = (response: unknown) => void;

export class WireSocket {
  readonly #ws: WebSocket;
  readonly #encoder: InstanceType<WireParser['Encoder']>;
  readonly #listeners = new Map<string, Listener>();
  readonly #acks = new Map<number, AckHandler>();
  #nextId = 0;
  #closed = false;
  #onClose: ((reason: string) => void) | null = null;

  private constructor(ws: WebSocket, parser: WireParser) {
    this.#ws = ws;
    this.#encoder = new parser.Encoder();
  }

  /**
   * Opens the WebSocket, reads Engine.IO's `open`, sends CONNECT to `/` (with `auth`, if any)
   * and resolves once the server's CONNECT arrives. Rejects on CONNECT_ERROR, a closed socket or
   * the timeout.
   */
  static open(
    httpUrl: string,
    parser: WireParser,
    timeoutMs: number,
    options: { auth?: Record<string, unknown>; on?: Record<string, Listener> } = {},
  ): Promise<WireSocket> {
    const url = `${httpUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    const socket = new WireSocket(ws, parser);
    // Listeners that must hear what arrives right behind the CONNECT answer (a join on connect).
    for (const [event, listener] of Object.entries(options.on ?? {})) socket.on(event, listener);
    const connect: WirePacket = { type: CONNECT, nsp: '/' };
    if (options.auth) connect.data = options.auth;
    const decoder = new parser.Decoder();
    return new Promise<WireSocket>((resolve, reject) => {
      let settled = false;
      const settle = (error: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          socket.#closed = true;
          ws.terminate();
          reject(error);
        } else {
          resolve(socket);
        }
      };
      const timer = setTimeout(
        () => settle(new Error(`connect timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      decoder.on('decoded', (packet) => {
        if (!settled) {
          if (packet.type === CONNECT) settle(null);
          else if (packet.type === CONNECT_ERROR)
            settle(new Error(`connect_error: ${JSON.stringify(packet.data)}`));
          return;
        }
        socket.#packet(packet);
      });
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) {
          decoder.add(data);
          return;
        }
        const text = data.toString();
        const type = text[0];
        if (type === '0') socket.#send(connect);
        else if (type === '2')
          ws.send('3'); // ping -> pong
        else if (type === '1') socket.#lost('transport close');
      });
      ws.on('error', (error) => {
        if (!settled) settle(new Error(`connect_error: ${error.message}`));
        else socket.#lost(`transport error: ${error.message}`);
      });
      ws.on('close', () => {
        if (!settled) settle(new Error('connect_error: closed before CONNECT'));
        else socket.#lost('transport close');
      });
    });
  }

  /** Called once if the connection is lost without `close()`. */
  onClose(handler: (reason: string) => void): void {
    this.#onClose = handler;
  }

  /** One handler per event (what the bench needs). */
  on(event: string, listener: Listener): void {
    this.#listeners.set(event, listener);
  }

  emit(event: string, payload: unknown, ack?: AckHandler): void {
    if (this.#closed) return;
    const packet: WirePacket = { type: EVENT, nsp: '/', data: [event, payload] };
    if (ack) {
      const id = this.#nextId++;
      this.#acks.set(id, ack);
      packet.id = id;
    }
    this.#send(packet);
  }

  /** Resolves with the ack's first argument; rejects after `timeoutMs` or if the socket is lost. */
  request(event: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${event} timed out`)), timeoutMs);
      this.emit(event, payload, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#send({ type: DISCONNECT, nsp: '/' });
    this.#closed = true;
    this.#ws.close();
  }

  #send(packet: WirePacket): void {
    for (const frame of this.#encoder.encode(packet)) this.#ws.send(frame as Uint8Array);
  }

  #packet(packet: WirePacket): void {
    if (packet.type === EVENT) {
      const [event, payload] = packet.data as [string, unknown];
      this.#listeners.get(event)?.(payload);
    } else if (packet.type === ACK && packet.id !== undefined) {
      const ack = this.#acks.get(packet.id);
      this.#acks.delete(packet.id);
      ack?.((packet.data as unknown[])[0]);
    } else if (packet.type === DISCONNECT) {
      this.#lost('io server disconnect');
    }
  }

  #lost(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ws.terminate();
    this.#onClose?.(reason);
  }
}
