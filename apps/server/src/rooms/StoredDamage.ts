import { holdsPending } from '@drawbridge/protocol';
import * as Y from 'yjs';
import { addsNothing, type DeletedRanges } from './addsNothing.js';
import type { BoardLog } from './BoardLog.js';
import { encodeIntegrated } from './encodeIntegrated.js';
import type { ColdAnswer } from './loading/BoardLoader.js';

export interface DamageHost {
  readonly boardId: string;
  readonly doc: Y.Doc;
  readonly log: BoardLog;
  /** True until the document holds the whole stored board. */
  readonly loading: boolean;
}

const NOTHING = new Uint8Array([0]);

/** Periodic checks in a row, from the second after a request, at which it is asked again. */
const REPAIR_RETRIES = 3;
/** After the retries, requests at checks numbered by a power of two up to this, then every this. */
export const LATE_EVERY = 64;

/** A periodic check at which an open request is asked again (see `StoredDamage`). */
function asksAt(check: number): boolean {
  // The first check may come right after the request: its answers may be on their way.
  if (check <= 1) return false;
  if (check <= 1 + REPAIR_RETRIES) return true;
  return check <= LATE_EVERY ? (check & (check - 1)) === 0 : check % LATE_EVERY === 0;
}

/**
 * Stored records that no longer read back (a bad disk: their checksum fails) are skipped by
 * every read from then on, and a compaction deletes them: what they held is gone from storage.
 * A document that loaded before the damage still holds it. So when a compaction of this board
 * went through damaged records, the document stores what it holds again, as a record of its own
 * (the whole board: damage is rare, and which part it held is unknown). In a cluster, the other
 * nodes holding the board are also asked to store what they hold beyond this one
 * (`DamageRepair`), then and whenever this node's load or catch-up read damaged records: this
 * node then lacks what they held.
 *
 * The request is a bus message, which Redis may lose (at most once): and storage cannot fill
 * what this node then lacks, since the damage took it, nor can this node tell that it lacks
 * anything unless content waits for it. So the periodic check asks again (`recheck`): at
 * `REPAIR_RETRIES` of its runs, from the second after the request on (the first may come while
 * the answers are on their way); then at the runs numbered by a power of two up to `LATE_EVERY`,
 * and at every `LATE_EVERY`th run after that, for as long as the board is loaded; and at once
 * after the bus comes back from an outage (`BoardReplica.announce`). A request carries this
 * node's delete set with its state vector, so a holder whose answer would bring it nothing stores
 * nothing: the later requests cost each holder one diff of its document. Content that waits for
 * something the document lacks (a sure sign that something is missing), found at two checks in a
 * row when no request is open, opens one, which asks again from the power-of-two runs on.
 */
export class StoredDamage {
  /** The last of the stores asked for, which run one after the other. */
  #storing: Promise<boolean> | null = null;
  /** Periodic checks since the request was last asked; null when no request is open. */
  #checks: number | null = null;
  /** The last check found content waiting, with no request open. */
  #waitingSeen = false;
  /** Asks the other nodes holding the board (set in a cluster). */
  askOthers: (() => void) | null = null;

  constructor(
    private readonly host: DamageHost,
    /**
     * What the document holds beyond a state vector, without pending content (`FullState.for`:
     * a whole board is encoded off the event loop when large).
     */
    private readonly beyond: (stateVector: Uint8Array) => Promise<ColdAnswer>,
    private readonly counted?: (step: 'asked' | 'stored') => void,
  ) {
    host.log.onDamaged((by) => this.found(by));
  }

  /** This node read damaged records of the board. */
  found(by: 'catch-up' | 'compaction'): void {
    if (by === 'compaction' && !this.host.loading) void this.storeBeyond(NOTHING);
    this.ask();
  }

  /** A request is open: the periodic check asks again. */
  get open(): boolean {
    return this.#checks !== null;
  }

  /** Asks the other nodes holding the board for what this one lacks (in a cluster). */
  ask(): void {
    if (!this.askOthers) return;
    this.#checks = 0;
    this.#send();
  }

  /**
   * The periodic check: asks again while a request may have been lost, or when the document
   * holds content that waits for something storage lacks (see the class).
   */
  recheck(): void {
    if (!this.askOthers || this.host.loading) return;
    if (this.#checks === null) {
      // Content that waits for something storage lacks (only reads from storage leave any: a
      // member's or another node's update that builds on what this node lacks is refused or
      // skipped), read after the damage that took it (another node's compaction deleted the
      // damaged records). Seen at two checks in a row: a record may also build on another
      // node's update that is about to be stored.
      const waiting = holdsPending(this.host.doc.store);
      const open = waiting && this.#waitingSeen;
      this.#waitingSeen = waiting && !open;
      if (open) {
        this.#send();
        this.#checks = 1 + REPAIR_RETRIES;
      }
      return;
    }
    if (asksAt(++this.#checks)) this.#send();
  }

  /** Called only where `askOthers` is set (a request opens only then). */
  #send(): void {
    this.askOthers?.();
    this.counted?.('asked');
  }

  /** The document's state vector. */
  stateVector(): Uint8Array {
    return Y.encodeStateVector(this.host.doc);
  }

  /** The document's delete set, as a Yjs update without structs (not what it holds pending). */
  deletes(): Uint8Array {
    return encodeIntegrated(this.host.doc, Y.encodeStateVector(this.host.doc));
  }

  /**
   * Stores what the document holds beyond `stateVector` (not what it holds pending), with its
   * whole delete set (a damaged record may have held deletions only); resolves true once stored.
   * Given the asker's deletions (`held`), stores nothing when that would bring the asker nothing.
   */
  storeBeyond(stateVector: Uint8Array, held?: DeletedRanges): Promise<boolean> {
    // One at a time: each asker lacks something else, so none answers another's request.
    const store = (this.#storing ?? Promise.resolve(false)).then(() =>
      this.#store(stateVector, held),
    );
    this.#storing = store;
    void store.finally(() => {
      if (this.#storing === store) this.#storing = null;
    });
    return store;
  }

  /** Resolves once what is being stored (if anything) is handed to the log. */
  async settled(): Promise<void> {
    await this.#storing;
  }

  async #store(stateVector: Uint8Array, held: DeletedRanges | undefined): Promise<boolean> {
    let update: Uint8Array;
    try {
      ({ update } = await this.beyond(stateVector));
    } catch {
      return false; // the board is unloading
    }
    // Two bytes: no structs, no deletions.
    if (update.byteLength <= 2 || (held && addsNothing(update, held))) return false;
    return this.host.log.append(update).then(
      () => {
        this.counted?.('stored');
        return true;
      },
      // The log keeps what failed, and stores it again.
      () => false,
    );
  }
}
