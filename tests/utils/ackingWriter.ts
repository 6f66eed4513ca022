/**
 * A client that knows exactly which of its edits the server acked: it sends each edit as one
 * `doc:update` over a raw socket and records the keys whose ack came back `ok`. For tests where
 * a node dies mid-edit and "nothing acked is lost" must be checked edit by edit.
 */
import { toBytes } from '@drawbridge/protocol';
import * as Y from 'yjs';
import { connectRaw, joinRaw, type RawSocket, sendUpdate } from './rawClient.js';

export class AckingWriter {
  readonly doc = new Y.Doc();
  readonly acked = new Set<string>();
  readonly sent: string[] = [];
  #socket: RawSocket | null = null;
  #next = 0;

  constructor(
    readonly boardId: string,
    readonly tag: string,
  ) {}

  async connect(url: string): Promise<void> {
    const socket = await connectRaw(url);
    const joined = await joinRaw(socket, this.boardId, this.doc);
    if (!joined.ok) throw new Error(`join refused: ${joined.error.code}`);
    Y.applyUpdate(this.doc, toBytes(joined.update)!, 'server');
    this.#socket = socket;
  }

  /** One new shape, sent at once; its key is recorded as acked if the ack says so. */
  edit(): Promise<void> {
    const key = `${this.tag}-${this.#next++}`;
    let update: Uint8Array | null = null;
    const capture = (u: Uint8Array) => {
      update = u;
    };
    this.doc.once('update', capture);
    this.doc.getMap('shapes').set(key, { kind: 'rect', by: this.tag });
    this.sent.push(key);
    const socket = this.#socket;
    if (!socket || !update) return Promise.resolve();
    return sendUpdate(socket, this.boardId, update).then(
      (ack) => {
        if (ack.ok) this.acked.add(key);
      },
      () => undefined, // no ack: the node died or the ack timed out
    );
  }

  close(): void {
    this.#socket?.disconnect();
    this.#socket = null;
  }
}
