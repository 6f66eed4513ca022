import type { MessageNumbers } from './MessageNumbers.js';
import type { CommitNotice } from './messages.js';

/** One of this node's update messages and what became of its updates. */
interface OwnMessage {
  updates: number;
  seqs: number[];
  failed: number;
}

/**
 * This node's update messages for one board, while it is loaded here, and the log records their
 * updates became: what its commit notices tell the other nodes. A message is accounted for
 * (`through`) once every one of its updates is stored and it has been sent; the notice lists
 * those messages' seqs.
 *
 * Messages are numbered from the node's counter (`MessageNumbers`): increasing, never reused,
 * with gaps where other boards took numbers. Every notice says where this load's numbers start
 * (`from`): what another node holds of this node's messages below it comes from an earlier load
 * of the board here, or an earlier process under the same node id, whose notices it will never
 * get.
 */
export class OwnMessages {
  readonly #numbers: MessageNumbers;
  /** This load's first message number (taken up front, used by the first message). */
  readonly #from: number;
  #first = true;
  /** In number order (numbers only grow). */
  readonly #messages = new Map<number, OwnMessage>();
  /** The message still gathering updates (not sent yet), or null. */
  #open: number | null = null;
  #through: number;
  #notice: { msgs: number[]; stored: number[][] } | null = null;

  constructor(numbers: MessageNumbers) {
    this.#numbers = numbers;
    this.#from = numbers.take();
    this.#through = this.#from - 1;
  }

  /** An update goes into the open message (a new one if none is); returns that message. */
  add(): number {
    if (this.#open === null) {
      this.#open = this.#first ? this.#from : this.#numbers.take();
      this.#first = false;
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

  /** Everything whose append had failed is now stored (as records in no message). */
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
    return { from: this.#from, through: this.#through, head: told, msgs, stored };
  }

  /** Moves `through` over every sent message whose updates are all stored, into the notice. */
  #advance(): boolean {
    let moved = false;
    // The oldest messages first; each one accounted for leaves the map.
    for (const [msg, own] of this.#messages) {
      if (own.failed > 0 || own.seqs.length < own.updates) break;
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
