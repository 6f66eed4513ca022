import type { CommitNotice } from './messages.js';

/** One of this node's update messages and what became of its updates. */
interface OwnMessage {
  updates: number;
  seqs: number[];
  failed: number;
}

/**
 * This node's update messages for one board and the log records their updates became: what
 * its commit notices tell the other nodes. A message is accounted for (`through`) once every
 * one of its updates is stored and it has been sent; the notice lists those messages' seqs.
 */
export class OwnMessages {
  #next = 1;
  readonly #messages = new Map<number, OwnMessage>();
  /** The message still gathering updates (not sent yet), or null. */
  #open: number | null = null;
  #through = 0;
  #notice: { msgs: number[]; stored: number[][] } | null = null;

  /** An update goes into the open message (a new one if none is); returns that message. */
  add(): number {
    if (this.#open === null) {
      this.#open = this.#next++;
      this.#messages.set(this.#open, { updates: 0, seqs: [], failed: 0 });
    }
    this.#messages.get(this.#open)!.updates++;
    return this.#open;
  }

  /** The open message was sent; true if that put messages in the notice. */
  sent(): boolean {
    this.#open = null;
    return this.#advance();
  }

  /** An update of `msg` was stored as record `seq`; true if that put messages in the notice. */
  committed(msg: number, seq: number): boolean {
    this.#messages.get(msg)?.seqs.push(seq);
    return this.#advance();
  }

  /** An update of `msg` could not be stored (yet). */
  failed(msg: number): void {
    const own = this.#messages.get(msg);
    if (own) own.failed++;
  }

  /** Everything whose append had failed is now stored (as one record, in no message). */
  storedAfterFailure(): void {
    for (const own of this.#messages.values()) {
      own.updates -= own.failed;
      own.failed = 0;
    }
    this.#advance();
    // Due even if empty: its head tells the others of that record.
    this.noticeDue();
  }

  /** A notice is due, even an empty one (its head tells of records in no message). */
  noticeDue(): void {
    this.#notice ??= { msgs: [], stored: [] };
  }

  /**
   * The pending notice, taken; null if none. Its head is the log's `head`, but below any record
   * of this node's messages that the notice does not account for (a message still open, or not
   * wholly stored yet): those are on their way to the other nodes, and a later notice tells
   * their seqs; a head above them would send every other node to storage for them (under a
   * burst, whose messages wait for `busyHoldMs`, several reads a second).
   */
  takeNotice(head: number): CommitNotice | null {
    if (!this.#notice) return null;
    const { msgs, stored } = this.#notice;
    this.#notice = null;
    let told = head;
    for (const own of this.#messages.values())
      for (const seq of own.seqs) if (seq <= told) told = seq - 1;
    return { through: this.#through, head: told, msgs, stored };
  }

  /** Moves `through` over every sent message whose updates are all stored, into the notice. */
  #advance(): boolean {
    let moved = false;
    for (;;) {
      const msg = this.#through + 1;
      const own = this.#messages.get(msg);
      if (!own || own.failed > 0 || own.seqs.length < own.updates) break;
      if (this.#open === msg) break;
      this.#messages.delete(msg);
      this.#through = msg;
      this.#notice ??= { msgs: [], stored: [] };
      this.#notice.msgs.push(msg);
      this.#notice.stored.push(own.seqs);
      moved = true;
    }
    return moved;
  }
}
